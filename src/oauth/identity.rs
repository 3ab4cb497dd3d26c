//! What is learned right after the exchange: the account name (from the entry's `account`
//! sources, tried in order) and the extras of the entry's follow-up request (Atlassian's cloud id,
//! Mailchimp's data centre).

use std::collections::BTreeMap;

use serde_json::Value;

use super::Error;
use super::grant::{TokenSet, json_path, scalar_text};
use super::jwt::Claims;
use super::listener::Params;
use crate::http::{Http, Request};
use crate::providers::{Provider, fill_template};

/// GET `url` with the access token (POST with `body` when given); the answer as JSON.
fn get_json(
    http: &Http,
    url: &str,
    scheme: &str,
    token: &str,
    body: Option<&str>,
    headers: &BTreeMap<String, String>,
) -> Result<Value, Error> {
    let mut req = match body {
        None => Request::new("GET", url),
        Some(b) => {
            let v: Value = serde_json::from_str(b).map_err(|e| Error::Malformed {
                status: 0,
                detail: format!("the entry's identity_body is not JSON: {e}"),
            })?;
            Request::new("POST", url).json(&v)
        }
    };
    for (k, v) in headers {
        req = req.header(k, v.as_str());
    }
    let req = req.secret_header("Authorization", format!("{scheme} {token}"));
    let resp = http.send(&req).map_err(Error::Transport)?;
    if !resp.is_success() {
        return Err(Error::Malformed { status: resp.status, detail: format!("from {url}: {}", resp.snippet()) });
    }
    resp.json().ok_or_else(|| Error::Malformed { status: resp.status, detail: format!("from {url}: not JSON") })
}

/// A follow-up answer and the extras taken from it.
pub type FollowUp = (Value, BTreeMap<String, Value>);

/// The entry's follow-up request, when it has one: its answer (for `follow_up:PATH` account
/// names) and the extras taken from it.
pub fn follow_up(
    http: &Http,
    provider: &Provider,
    values: &BTreeMap<String, String>,
    access_token: &str,
) -> Result<Option<FollowUp>, Error> {
    let Some(f) = &provider.follow_up else { return Ok(None) };
    let url = fill_template(&f.url, values).map_err(Error::MissingParam)?;
    let answer = get_json(http, &url, &f.auth, access_token, None, &BTreeMap::new())?;
    let extras = f
        .extras
        .iter()
        .filter_map(|(name, path)| json_path(&answer, path).filter(|v| !v.is_null()).map(|v| (name.clone(), v.clone())))
        .collect();
    Ok(Some((answer, extras)))
}

/// What the account name can be taken from.
pub struct Sources<'a> {
    pub http: &'a Http,
    pub provider: &'a Provider,
    pub values: &'a BTreeMap<String, String>,
    pub tokens: &'a TokenSet,
    pub claims: Option<&'a Claims>,
    pub callback: &'a Params,
    pub follow_up: Option<&'a Value>,
}

/// The first account name the entry's sources give. Network sources (userinfo, identity) are
/// asked at most once each; a failing one is skipped.
pub fn account_name(s: &Sources) -> Option<String> {
    let mut fetched: BTreeMap<&str, Option<Value>> = BTreeMap::new();
    for spec in &s.provider.account {
        let Some((source, path)) = spec.split_once(':') else { continue };
        let doc: Option<Value> = match source {
            "id_token" => s.claims.map(|c| Value::Object(c.clone())),
            "userinfo" | "identity" => {
                let p = s.provider;
                let (url, body, headers) = match source {
                    "userinfo" => (&p.userinfo_url, None, BTreeMap::new()),
                    _ => (&p.identity_url, p.identity_body.as_deref(), p.identity_headers.clone()),
                };
                fetched
                    .entry(source)
                    .or_insert_with(|| {
                        let url = fill_template(url.as_deref()?, s.values).ok()?;
                        get_json(s.http, &url, "Bearer", s.tokens.main.access_token.expose(), body, &headers).ok()
                    })
                    .clone()
            }
            "param" => {
                Some(Value::Object(s.values.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect()))
            }
            "follow_up" => s.follow_up.cloned(),
            "callback" => {
                Some(Value::Object(s.callback.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect()))
            }
            _ => None,
        };
        let lookup = |p: &str| -> Option<String> {
            match source {
                "response" => s.tokens.response_value(p),
                _ => doc.as_ref().and_then(|d| json_path(d, p)).and_then(scalar_text),
            }
        };
        if let Some(name) = render(path, lookup).filter(|n| !n.trim().is_empty()) {
            return Some(name);
        }
    }
    None
}

/// `path`, or a template with `{PATH}` parts, each looked up; `None` when any part is missing.
fn render(spec: &str, lookup: impl Fn(&str) -> Option<String>) -> Option<String> {
    if !spec.contains('{') {
        return lookup(spec);
    }
    let mut out = String::new();
    let mut rest = spec;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let len = rest[start..].find('}')?;
        out.push_str(&lookup(&rest[start + 1..start + len])?);
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_need_every_part() {
        let look = |p: &str| match p {
            "team.name" => Some("Acme".to_string()),
            "authed_user.id" => Some("U1".to_string()),
            _ => None,
        };
        assert_eq!(render("{team.name}/{authed_user.id}", look).as_deref(), Some("Acme/U1"));
        assert_eq!(render("team.name", look).as_deref(), Some("Acme"));
        assert_eq!(render("{team.name}/{nope}", look), None);
    }
}
