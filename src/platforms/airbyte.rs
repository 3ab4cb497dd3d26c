//! Airbyte's agent-connector API: a connector holding the OAuth client and refresh token. Facts from
//! Airbyte's API description (tests/fixtures/specs/airbyte) and its agent-engine docs: an
//! application token from the application's client id and secret; creating does not check
//! credentials and a second create makes a second connector (no 409), so
//! the workspace is listed first and an existing connector is replaced only on request (delete +
//! create: credentials cannot be updated in place). The workspace field is `customer_name` in the
//! published description and `workspace_name` in newer docs: both are sent, with the same value,
//! in bodies and in the list filter (so whichever name a server knows, the list stays filtered to
//! one workspace and `--replace` never touches a connector elsewhere).

use serde::Serialize;
use serde_json::{Value, json};

use super::{Advice, Credential, Error, PlannedRequest, Result};
use crate::env::Env;
use crate::http::{Http, Request, Response};
use crate::secret::Secret;

pub const DEFAULT_URL: &str = "https://api.airbyte.ai";

pub struct Settings {
    pub base_url: String,
    pub base_url_source: &'static str,
    /// `None` only matters to a dry run.
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    pub organization_id: Option<String>,
}

impl Settings {
    pub fn resolve(env: &Env) -> Result<Self> {
        let (base_url, base_url_source) = match env.get("AIRBYTE_API_URL") {
            Some(u) => (super::base_url("AIRBYTE_API_URL", &u)?, "AIRBYTE_API_URL"),
            None => (DEFAULT_URL.to_string(), "default"),
        };
        Ok(Settings {
            base_url,
            base_url_source,
            client_id: env.get("AIRBYTE_CLIENT_ID"),
            client_secret: env.get("AIRBYTE_CLIENT_SECRET").map(Secret::new),
            organization_id: env.get("AIRBYTE_ORGANIZATION_ID"),
        })
    }

    /// The application's credentials, or the usage error naming the variables.
    pub fn application(&self) -> Result<(&str, &Secret)> {
        match (&self.client_id, &self.client_secret) {
            (Some(id), Some(secret)) => Ok((id, secret)),
            _ => Err(Error::settings(
                format!("no Airbyte application credentials: {} not set", self.missing_variables().join(" and ")),
                "set AIRBYTE_CLIENT_ID and AIRBYTE_CLIENT_SECRET to an Airbyte application's client id and secret",
            )),
        }
    }

    pub fn missing_variables(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.client_id.is_none() {
            v.push("AIRBYTE_CLIENT_ID");
        }
        if self.client_secret.is_none() {
            v.push("AIRBYTE_CLIENT_SECRET");
        }
        v
    }

    fn with_org(&self, req: Request) -> Request {
        match &self.organization_id {
            Some(org) => req.header("X-Organization-Id", org.as_str()),
            None => req,
        }
    }

    pub fn token_request(&self, client_id: &str, client_secret: &str) -> Request {
        self.with_org(Request::new("POST", format!("{}/api/v1/account/applications/token", self.base_url)))
            .secret(client_secret)
            .json(&json!({"client_id": client_id, "client_secret": client_secret}))
    }

    /// Exchanges the application's credentials for an access token (valid ~15 minutes).
    pub fn token(&self, http: &Http) -> Result<Secret> {
        let (id, secret) = self.application()?;
        let resp = http.send_with_retries(&self.token_request(id, secret.expose()))?;
        if !resp.is_success() {
            return Err(refusal("issue an application token", &resp));
        }
        serde_json::from_str::<Value>(&resp.body)
            .ok()
            .and_then(|v| v["access_token"].as_str().map(Secret::new))
            .ok_or_else(|| Error::Malformed {
                platform: "Airbyte",
                detail: format!("a token request without an access_token: {}", resp.snippet()),
            })
    }

    pub fn api<'a>(&'a self, http: &'a Http, token: &'a str, secrets: Vec<&'a str>) -> Api<'a> {
        Api { http, settings: self, token, secrets }
    }
}

pub struct Api<'a> {
    http: &'a Http,
    settings: &'a Settings,
    token: &'a str,
    /// Secrets the requests carry in their bodies (the credential pushed).
    secrets: Vec<&'a str>,
}

/// A connector found in the workspace.
#[derive(Debug, Clone, Serialize)]
pub struct Existing {
    pub id: String,
    pub name: String,
}

/// What a delete did: Airbyte answers 200 `{id, deleted_at}` (done) or 202 `{job_id}` (queued).
#[derive(Debug, Serialize)]
pub struct Deleted {
    pub id: String,
    /// "deleted", "queued" or "already gone".
    pub result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
}

/// The result of Airbyte's connection check after a create.
#[derive(Debug, Serialize)]
pub struct Check {
    /// Airbyte's status (pending, running, succeeded, failed, cancelled), or "unsupported" when the
    /// server has no check for it, or "error" when the check itself could not be run.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

pub fn connector_body(
    name: &str,
    workspace: &str,
    connector_type: &str,
    cred: &Credential,
    include_spam_and_trash: bool,
) -> Value {
    let mut body = json!({
        "name": name,
        "customer_name": workspace,
        "workspace_name": workspace,
        "connector_type": connector_type,
        "credentials": {
            "refresh_token": cred.refresh_token.expose(),
            "client_id": cred.client_id,
            "client_secret": cred.client_secret.expose(),
            "access_token": cred.access_token.expose(),
        },
    });
    // Sent only when asked for: the connector's own default applies otherwise.
    if include_spam_and_trash {
        body["replication_config"] = json!({"include_spam_and_trash": true});
    }
    body
}

impl Api<'_> {
    fn request(&self, method: &'static str, path: &str) -> Request {
        let req = self
            .settings
            .with_org(Request::new(method, format!("{}{path}", self.settings.base_url)).bearer(self.token));
        self.secrets.iter().fold(req, |r, s| r.secret(s))
    }

    fn list_request(&self, workspace: &str) -> Request {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("customer_name", workspace)
            .append_pair("workspace_name", workspace)
            .finish();
        self.request("GET", &format!("/api/v1/integrations/connectors?{query}"))
    }
    fn delete_request(&self, id: &str) -> Request {
        self.request("DELETE", &format!("/api/v1/integrations/connectors/{id}"))
    }
    fn create_request(&self, body: &Value) -> Request {
        self.request("POST", "/api/v1/integrations/connectors").json(body)
    }
    fn check_request(&self, id: &str) -> Request {
        self.request("POST", &format!("/api/v1/integrations/connectors/{id}/check")).json(&json!({}))
    }

    /// The requests a push would send after the token request, each with the case it is sent in.
    pub fn plan(&self, workspace: &str, body: &Value, replace: bool) -> Vec<PlannedRequest> {
        let mut out = vec![PlannedRequest::new(&self.list_request(workspace), None)];
        if replace {
            out.push(PlannedRequest::new(
                &self.delete_request("{id}"),
                Some("for each connector of that name found (--replace)"),
            ));
        }
        out.push(PlannedRequest::new(
            &self.create_request(body),
            Some("unless one of that name exists (without --replace)"),
        ));
        out.push(PlannedRequest::new(
            &self.check_request("{id}"),
            Some("after the create, with the new connector's id"),
        ));
        out
    }

    /// Connectors named `name` in the workspace.
    pub fn find(&self, workspace: &str, name: &str) -> Result<Vec<Existing>> {
        let resp = self.http.send_with_retries(&self.list_request(workspace))?;
        if !resp.is_success() {
            return Err(refusal(&format!("list the connectors of workspace {workspace}"), &resp));
        }
        let v: Value = serde_json::from_str(&resp.body).map_err(|_| Error::Malformed {
            platform: "Airbyte",
            detail: format!("a connector list that is not JSON: {}", resp.snippet()),
        })?;
        let items = v["data"].as_array().or_else(|| v.as_array()).cloned().unwrap_or_default();
        Ok(items
            .iter()
            .filter(|c| c["name"].as_str() == Some(name))
            .filter_map(|c| Some(Existing { id: c["id"].as_str()?.to_string(), name: name.to_string() }))
            .collect())
    }

    pub fn delete(&self, id: &str) -> Result<Deleted> {
        // A DELETE that timed out may have worked; a retried one then answers 404, which is fine.
        let resp = self.http.send_with_retries(&self.delete_request(id))?;
        let v: Value = serde_json::from_str(&resp.body).unwrap_or(Value::Null);
        match resp.status {
            202 => Ok(Deleted { id: id.into(), result: "queued", job_id: v["job_id"].as_str().map(str::to_string) }),
            s if (200..300).contains(&s) => Ok(Deleted { id: id.into(), result: "deleted", job_id: None }),
            404 => Ok(Deleted { id: id.into(), result: "already gone", job_id: None }),
            _ => Err(refusal(&format!("delete the existing connector {id}"), &resp)),
        }
    }

    /// Creates the connector; its id. Never retried: a create that failed on Airbyte's side may
    /// still have made a connector, and a second create would make a second one.
    pub fn create(&self, body: &Value) -> Result<String> {
        let resp = self.http.send(&self.create_request(body))?;
        if !resp.is_success() {
            let mut e = refusal("create the connector", &resp);
            if let Error::Refused { advice, status: 500.., .. } = &mut e {
                *advice = Advice::Retry("Airbyte may have created it anyway: run the same push again; it looks before creating and stops if one exists (then add --replace)".into());
            }
            return Err(e);
        }
        serde_json::from_str::<Value>(&resp.body).ok().and_then(|v| v["id"].as_str().map(str::to_string)).ok_or_else(
            || Error::Malformed {
                platform: "Airbyte",
                detail: format!("a created connector without an id: {}", resp.snippet()),
            },
        )
    }

    /// Airbyte's "bring your own OAuth" flow: the consent URL for a new connector whose OAuth
    /// dance Airbyte runs; after consent Airbyte redirects to `redirect_url` with `connector_id`
    /// (or `error` and `error_description`).
    pub fn initiate(&self, workspace: &str, connector_type: &str, redirect_url: &str) -> Result<String> {
        let body = json!({
            "workspace_name": workspace,
            "customer_name": workspace,
            "connector_type": connector_type,
            "redirect_url": redirect_url,
        });
        let resp =
            self.http.send(&self.request("POST", "/api/v1/integrations/connectors/oauth/initiate").json(&body))?;
        if !resp.is_success() {
            let mut e = refusal(&format!("start the OAuth flow of a {connector_type} connector"), &resp);
            if let Error::Refused { status: 400, advice, .. } = &mut e {
                *advice = Advice::Check(format!(
                    "Airbyte may need a source template for {connector_type} in your organisation, or another connector type name: try --connector-type (a display name such as Gmail, or a slug such as gmail)"
                ));
            }
            return Err(e);
        }
        let v: Value = resp.json().unwrap_or(Value::Null);
        let url = v["consent_url"].as_str().ok_or_else(|| Error::Malformed {
            platform: "Airbyte",
            detail: format!("no consent_url: {}", resp.snippet()),
        })?;
        crate::providers::check_endpoint(url)
            .map_err(|why| Error::Malformed { platform: "Airbyte", detail: format!("a consent URL that {why}") })?;
        Ok(url.to_string())
    }

    /// Whether the connector exists ("active"), or is gone ("deleted").
    pub fn state(&self, id: &str) -> Result<&'static str> {
        let resp = self.http.send(&self.request("GET", &format!("/api/v1/integrations/connectors/{id}")))?;
        match resp.status {
            s if (200..300).contains(&s) => Ok("active"),
            404 => Ok("deleted"),
            _ => Err(refusal(&format!("read connector {id}"), &resp)),
        }
    }

    /// Runs Airbyte's check of the new connector. Never an error: an endpoint the server lacks is
    /// "unsupported", a failure to run it is "error"; the caller decides what a "failed" means.
    pub fn check(&self, id: &str) -> Check {
        let resp = match self.http.send(&self.check_request(id)) {
            Ok(r) => r,
            Err(e) => return Check { status: "error".into(), message: Some(e.to_string()) },
        };
        match resp.status {
            404 | 405 | 501 => Check { status: "unsupported".into(), message: None },
            s if (200..300).contains(&s) => {
                let v: Value = serde_json::from_str(&resp.body).unwrap_or(Value::Null);
                let message = v["error_message"]
                    .as_str()
                    .or_else(|| v["failure_reason"]["external_message"].as_str())
                    .filter(|m| !m.is_empty())
                    .map(str::to_string);
                let status = v["status"].as_str().unwrap_or("unknown").to_string();
                // A message next to a success is noise (the published examples carry one).
                let message = if status == "failed" { message } else { None };
                Check { status, message }
            }
            _ => Check { status: "error".into(), message: Some(resp.scrub(&error_message(&resp.body))) },
        }
    }
}

/// The text of an Airbyte error: `message`, then each `errors[]` entry as `field: message`;
/// FastAPI's `{"detail": …}` too; else the raw body.
pub fn error_message(body: &str) -> String {
    let Ok(v) = serde_json::from_str::<Value>(body) else { return crate::http::snippet(body, 200) };
    let mut parts: Vec<String> = Vec::new();
    if let Some(m) = v["message"].as_str().filter(|m| !m.trim().is_empty()) {
        parts.push(m.trim().to_string());
    }
    for e in v["errors"].as_array().into_iter().flatten().chain(v["detail"].as_array().into_iter().flatten()) {
        let msg = e["message"].as_str().or_else(|| e["msg"].as_str()).unwrap_or_default();
        let field = match &e["field"] {
            Value::String(f) => Some(f.clone()),
            _ => e["loc"].as_array().map(|l| {
                l.iter()
                    .map(|p| p.as_str().map(str::to_string).unwrap_or_else(|| p.to_string()))
                    .collect::<Vec<_>>()
                    .join(".")
            }),
        };
        match (field.filter(|f| !f.is_empty()), msg.is_empty()) {
            (_, true) => {}
            (Some(f), false) => parts.push(format!("{f}: {msg}")),
            (None, false) => parts.push(msg.to_string()),
        }
    }
    if let Some(d) = v["detail"].as_str() {
        parts.push(d.to_string());
    }
    if parts.is_empty() { crate::http::snippet(body, 200) } else { parts.join("; ") }
}

pub fn refusal(what: &str, resp: &Response) -> Error {
    let advice = match resp.status {
        401 | 403 => Advice::Credentials(
            "check AIRBYTE_CLIENT_ID and AIRBYTE_CLIENT_SECRET (an Airbyte application's credentials), and AIRBYTE_ORGANIZATION_ID if you set it".into(),
        ),
        404 => Advice::Check("check --workspace-name, and AIRBYTE_API_URL if set".into()),
        s if s >= 500 => Advice::Retry("Airbyte failed on its side; try again later".into()),
        _ => Advice::None,
    };
    Error::Refused {
        platform: "Airbyte",
        action: what.to_string(),
        status: resp.status,
        message: resp.scrub(&error_message(&resp.body)),
        advice,
    }
}

// ---------------------------------------------------------------------------------------------
// The push pipeline's steps

/// `push airbyte`: list the workspace's connectors, delete one of the same name when replacing,
/// create the connector, ask Airbyte to check it.
pub struct Push<'a> {
    pub http: &'a Http,
    pub settings: Settings,
    pub workspace: String,
    pub name: String,
    pub connector_type: String,
    pub required_scopes: Vec<String>,
    pub include_spam_and_trash: bool,
    pub replace: bool,
}

#[derive(Serialize)]
pub struct Report {
    platform: &'static str,
    dry_run: bool,
    credential: String,
    /// Sent as both `customer_name` and `workspace_name`.
    workspace: String,
    connector: ConnectorReport,
    deleted: Vec<Deleted>,
    check: Check,
}

#[derive(Serialize)]
struct ConnectorReport {
    name: String,
    id: String,
    /// "created", or "replaced" when an earlier one of that name was deleted first.
    result: &'static str,
}

impl Push<'_> {
    fn body(&self, cred: &Credential) -> Value {
        connector_body(&self.name, &self.workspace, &self.connector_type, cred, self.include_spam_and_trash)
    }
}

impl super::Target for Push<'_> {
    type Report = Report;

    fn platform(&self) -> &'static str {
        "airbyte"
    }

    fn display_name(&self) -> &'static str {
        "Airbyte"
    }

    fn required_scopes(&self) -> (&[String], String) {
        (&self.required_scopes, format!("Airbyte's {} connector", self.connector_type))
    }

    fn destination(&self) -> super::Destination {
        let auth_source =
            if self.settings.application().is_ok() { "AIRBYTE_CLIENT_ID, AIRBYTE_CLIENT_SECRET" } else { "none found" };
        super::Destination {
            workspace: self.workspace.clone(),
            base_url: self.settings.base_url.clone(),
            auth_source: auth_source.into(),
        }
    }

    fn plan(&self, cred: &Credential) -> Vec<PlannedRequest> {
        let id = self.settings.client_id.as_deref().unwrap_or("");
        let mut requests = vec![PlannedRequest::new(&self.settings.token_request(id, ""), None)];
        requests.extend(self.settings.api(self.http, "", cred.secret_values().to_vec()).plan(
            &self.workspace,
            &self.body(cred),
            self.replace,
        ));
        requests
    }

    fn secrets(&self) -> Vec<String> {
        self.settings.client_secret.iter().map(|s| s.expose().to_string()).collect()
    }

    fn missing_auth(&self) -> Option<Error> {
        self.settings.application().err()
    }

    fn run(
        &mut self,
        cred: &Credential,
        redactor: &mut crate::redact::Redactor,
        progress: &mut dyn FnMut(super::Progress),
    ) -> Result<(Report, Option<Error>)> {
        use super::Progress::{Detail, Done};
        let token = self.settings.token(self.http)?;
        redactor.add(token.expose());
        let api = self.settings.api(self.http, token.expose(), cred.secret_values().to_vec());
        let (name, workspace) = (&self.name, &self.workspace);
        let existing = api.find(workspace, name)?;
        if !existing.is_empty() && !self.replace {
            let ids: Vec<&str> = existing.iter().map(|e| e.id.as_str()).collect();
            return Err(Error::Exists {
                message: format!("Airbyte workspace {workspace} already has a connector named {name} ({})", ids.join(", ")),
                hint: "add --replace to delete it and create the new one (credentials cannot be updated in place), or pick another --name".into(),
            });
        }
        let mut deleted = Vec::new();
        for old in &existing {
            let d = api.delete(&old.id)?;
            let job = d.job_id.as_ref().map(|j| format!(", job {j}")).unwrap_or_default();
            progress(Done(format!("Deleted the earlier connector {name} ({}: {}{job})", d.id, d.result)));
            deleted.push(d);
        }
        let id = api.create(&self.body(cred)).map_err(|e| match (&e, deleted.is_empty()) {
            (_, true) => e,
            (_, false) => Error::Failed {
                message: format!("{e}; the earlier connector {name} was already deleted"),
                hint: "run the same push again to create it".into(),
            },
        })?;
        let result = if deleted.is_empty() { "created" } else { "replaced" };
        progress(Done(format!(
            "Connector {name} {result} in Airbyte workspace {workspace} (id {id}, from {})",
            cred.key
        )));
        let check = api.check(&id);
        match check.status.as_str() {
            "succeeded" => progress(Detail("check:  succeeded".into())),
            "failed" => {}
            "unsupported" => progress(Detail("check:  not offered by this server".into())),
            "error" => progress(super::Progress::Warn(format!(
                "Airbyte's check of connector {id} could not be run: {}",
                check.message.as_deref().unwrap_or("no details")
            ))),
            other => progress(Detail(format!("check:  {other}"))),
        }
        let failure = (check.status == "failed").then(|| Error::Failed {
            message: format!(
                "connector {name} ({id}) was created, but Airbyte's check failed: {}",
                check.message.as_deref().unwrap_or("no details given")
            ),
            hint: "Airbyte could not use the credential (a known risk with tokens of your own OAuth client); fix the cause, then run the same push with --replace".into(),
        });
        let report = Report {
            platform: "airbyte",
            dry_run: false,
            credential: cred.key.clone(),
            workspace: workspace.clone(),
            connector: ConnectorReport { name: name.clone(), id, result },
            deleted,
            check,
        };
        Ok((report, failure))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_are_read() {
        let body = r#"{"message":"Validation failed","errors":[{"field":"customer_name","message":"required","error_code":"missing"}]}"#;
        assert_eq!(error_message(body), "Validation failed; customer_name: required");
        assert_eq!(error_message(r#"{"message":null,"errors":[]}"#), r#"{"message":null,"errors":[]}"#);
        assert_eq!(
            error_message(r#"{"detail":[{"loc":["body","name"],"msg":"field required"}]}"#),
            "body.name: field required"
        );
        assert_eq!(error_message(r#"{"detail":"Not authenticated"}"#), "Not authenticated");
        assert_eq!(error_message("upstream timeout"), "upstream timeout");
    }

    #[test]
    fn body_sends_the_workspace_under_both_names() {
        let cred = Credential {
            key: "gmail:a".into(),
            provider: "gmail".into(),
            account: "a".into(),
            client_id: "cid".into(),
            client_secret: Secret::new("cs"),
            refresh_token: Secret::new("rt"),
            access_token: Secret::new("at"),
        };
        let b = connector_body("n", "ws", "Gmail", &cred, false);
        assert_eq!(b["customer_name"], "ws");
        assert_eq!(b["workspace_name"], "ws");
        assert_eq!(b["connector_type"], "Gmail");
        assert_eq!(
            b["credentials"],
            json!({"refresh_token": "rt", "client_id": "cid", "client_secret": "cs", "access_token": "at"})
        );
        assert!(b.get("replication_config").is_none());
        assert_eq!(
            connector_body("n", "ws", "Gmail", &cred, true)["replication_config"],
            json!({"include_spam_and_trash": true})
        );
    }

    #[test]
    fn settings_need_both_application_variables() {
        let s = Settings::resolve(&Env::fixed([("AIRBYTE_CLIENT_ID", "id")])).unwrap();
        assert_eq!(s.base_url, DEFAULT_URL);
        let e = s.application().err().unwrap();
        assert!(
            matches!(&e, Error::Settings { message, .. } if message.contains("AIRBYTE_CLIENT_SECRET not set")),
            "{e}"
        );
    }
}
