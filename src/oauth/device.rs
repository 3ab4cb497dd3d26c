//! The device authorization grant (RFC 8628): ask for a user code, then poll the token endpoint
//! until the person approves it elsewhere. The polling loop (sleeping, the countdown) belongs to
//! the caller; this module makes the two requests and reads their answers, including Google's
//! `verification_url` spelling and GitHub's new `interval` on `slow_down`.

use serde_json::Value;

use super::Error;
use super::grant::{Endpoint, Grant, TokenSet, parse};
use crate::http::{Http, Request};
use crate::providers::fill_template;
use crate::secret::Secret;

/// RFC 8628 §3.2: the default polling interval.
pub const DEFAULT_INTERVAL: u64 = 5;
/// Used when the answer gives no `expires_in` (mcp-remote's choice).
pub const DEFAULT_EXPIRES_IN: u64 = 1800;

#[derive(Debug)]
pub struct Authorization {
    pub device_code: Secret,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_in: u64,
    pub interval: u64,
}

/// Starts the flow at the provider's device authorization endpoint.
pub fn start(http: &Http, endpoint: &Endpoint, scopes: &[String]) -> Result<Authorization, Error> {
    let p = endpoint.provider;
    let template = p.device_authorization_url.as_deref().ok_or_else(|| Error::Malformed {
        status: 0,
        detail: format!("{} has no device authorization endpoint", p.name),
    })?;
    let url = fill_template(template, endpoint.values).map_err(Error::MissingParam)?;
    let mut fields: Vec<(String, String)> =
        p.device_authorization_params.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    if !p.scope_param.is_empty() && !scopes.is_empty() {
        fields.push((p.scope_param.clone(), scopes.join(&p.scope_separator)));
    }
    if let Some(resource) = &p.resource {
        fields.push(("resource".into(), resource.clone()));
    }
    let req = endpoint.client.authenticate(Request::new("POST", &url), &mut fields).form(fields);
    let resp = http.send(&req).map_err(Error::Transport)?;
    let v = resp.json().unwrap_or(Value::Null);
    if let Some(error) = v["error"].as_str() {
        return Err(Error::Refused {
            status: resp.status,
            error: error.to_string(),
            description: v["error_description"].as_str().map(|d| resp.scrub(d)),
            uri: None,
        });
    }
    let text = |k: &str| v[k].as_str().filter(|s| !s.is_empty()).map(str::to_string);
    let number = |k: &str| v[k].as_u64().or_else(|| v[k].as_str().and_then(|s| s.parse().ok()));
    let (Some(device_code), Some(user_code), Some(verification_uri)) =
        (text("device_code"), text("user_code"), text("verification_uri").or_else(|| text("verification_url")))
    else {
        return Err(Error::Malformed {
            status: resp.status,
            detail: format!("from {url}, not a device authorization: {}", resp.snippet()),
        });
    };
    crate::providers::check_endpoint(&verification_uri).map_err(|why| Error::Malformed {
        status: resp.status,
        detail: format!("a verification URI {verification_uri:?} that {why}"),
    })?;
    Ok(Authorization {
        device_code: Secret::new(device_code),
        user_code,
        verification_uri_complete: text("verification_uri_complete")
            .or_else(|| text("verification_url_complete"))
            .filter(|u| crate::providers::check_endpoint(u).is_ok()),
        verification_uri,
        expires_in: number("expires_in").filter(|s| *s > 0).unwrap_or(DEFAULT_EXPIRES_IN),
        interval: number("interval").filter(|s| *s > 0).unwrap_or(DEFAULT_INTERVAL),
    })
}

/// One poll's answer.
pub enum Poll {
    Done(Box<TokenSet>),
    Pending,
    /// Poll more slowly: the new interval when the server gave one (GitHub), else +5 s.
    SlowDown(Option<u64>),
    Denied(Option<String>),
    Expired,
}

/// Polls once (RFC 8628 §3.4–3.5).
pub fn poll(http: &Http, endpoint: &Endpoint, auth: &Authorization) -> Result<Poll, Error> {
    let grant = Grant::DeviceCode { device_code: auth.device_code.expose() };
    let resp = http.send(&endpoint.request(&grant)?).map_err(Error::Transport)?;
    if let Some(v) = resp.json() {
        let description = v["error_description"].as_str().map(|d| resp.scrub(d));
        match v["error"].as_str() {
            Some("authorization_pending") => return Ok(Poll::Pending),
            Some("slow_down") => {
                return Ok(Poll::SlowDown(v["interval"].as_u64().or_else(|| v["interval"].as_str()?.parse().ok())));
            }
            Some("access_denied") => return Ok(Poll::Denied(description)),
            Some("expired_token") => return Ok(Poll::Expired),
            _ => {}
        }
    }
    parse(&resp, endpoint.provider).map(|t| Poll::Done(Box::new(t)))
}

/// The next interval after `slow_down`: +5 s (RFC 8628 §3.5), or the server's when larger.
pub fn slower(interval: u64, given: Option<u64>) -> u64 {
    (interval + 5).max(given.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_down_adds_five_seconds_or_takes_a_larger_interval() {
        assert_eq!(slower(5, None), 10);
        assert_eq!(slower(5, Some(15)), 15);
        assert_eq!(slower(10, Some(6)), 15);
    }
}
