//! Blaxel: an integration connection holding the OAuth client and refresh token, and an MCP server
//! ("function") bound to it. Facts from Blaxel's API description (tests/fixtures/specs/blaxel) and
//! its OAuth-flow guide: every create answers 200, a POST with an existing name 409; PUT takes the full body and never creates; GET masks connection secrets (so
//! a PUT body is always built from the local credential, never from a GET); errors come flat
//! `{"code","error","message"}` or nested `{"error":{"code","message"}}`.
//!
//! Re-running is safe and finishes an earlier partial run: an existing connection is overwritten
//! with the current secrets; an existing function is left alone unless it is bound to other
//! connections or its deployment FAILED (then it is PUT, which redeploys it). Every request is
//! idempotent in effect, so 5xx answers and transport failures are retried.

use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

use super::blaxel_config::{self, SavedCredentials};
use super::{Advice, Credential, Error, Outcome, PlannedRequest, Result};
use crate::env::Env;
use crate::http::{Http, Request, Response};
use crate::secret::Secret;

pub const PROD_URL: &str = "https://api.blaxel.ai/v0";
pub const DEV_URL: &str = "https://api.blaxel.dev/v0";

// ---------------------------------------------------------------------------------------------
// Settings: workspace, base URL and credentials, resolved as Blaxel's own SDKs and CLI do.

pub enum Auth {
    /// An API key (`BL_API_KEY`, a saved `apiKey`) or a saved login token, sent as is.
    Bearer(Secret),
    /// base64 `client_id:client_secret`, exchanged at `{base}/oauth/token` first.
    ClientCredentials(Secret),
}

pub struct Settings {
    pub workspace: String,
    pub base_url: String,
    /// `None` only matters to a dry run, which shows the requests without credentials.
    pub auth: Option<Auth>,
    /// Where each setting came from (for `-v`); never a value.
    pub workspace_source: String,
    pub base_url_source: String,
    pub auth_source: String,
    /// What to do when Blaxel answers 401/403, worded for the credential's source.
    pub auth_hint: String,
    /// Set when the saved login token is a JWT whose `exp` has passed.
    pub stale_login: Option<String>,
}

impl Settings {
    /// The error a real run stops with when no credentials were found.
    pub fn missing_auth_error(&self) -> Error {
        Error::settings(
            format!("no Blaxel credentials found for workspace {}", self.workspace),
            format!(
                "set BL_API_KEY (an API key from the Blaxel console), or BL_CLIENT_CREDENTIALS, or log in with the Blaxel CLI: bl login {}",
                self.workspace
            ),
        )
    }
}

fn copy_error(e: &Error) -> Error {
    match e {
        Error::Settings { message, hint } => Error::settings(message.clone(), hint.clone()),
        other => Error::settings(other.to_string(), String::new()),
    }
}

/// Workspace: `--workspace`, `BL_WORKSPACE`, the CLI's `context.workspace`. Credentials:
/// `BL_API_KEY`, `BL_CLIENT_CREDENTIALS`, then the workspace's entry in the CLI's file (`apiKey`,
/// `client_credentials`, `access_token`, preferred in that order). Base URL: `BL_API_URL`,
/// `BL_ENV` (prod/dev), the workspace's `env` in the file, production.
pub fn resolve(flag_workspace: Option<&str>, env: &Env, config_path: Option<&Path>) -> Result<Settings> {
    let env_workspace = env.get("BL_WORKSPACE");
    let env_key = env.get("BL_API_KEY");
    let env_client = env.get("BL_CLIENT_CREDENTIALS");
    let env_url = env.get("BL_API_URL");
    let env_env = env.get("BL_ENV");
    let needs_file = (flag_workspace.is_none() && env_workspace.is_none())
        || (env_key.is_none() && env_client.is_none())
        || (env_url.is_none() && env_env.is_none());
    let config = match config_path {
        Some(p) if needs_file => blaxel_config::load(p),
        _ => Ok(None),
    };
    let file_label = config_path.map(|p| p.display().to_string()).unwrap_or_else(|| "~/.blaxel/config.yaml".into());

    let (workspace, workspace_source) = match (flag_workspace, env_workspace) {
        (Some(w), _) => (w.to_string(), "--workspace".to_string()),
        (None, Some(w)) => (w, "BL_WORKSPACE".to_string()),
        (None, None) => {
            let cfg = config.as_ref().map_err(copy_error)?;
            match cfg.as_ref().and_then(|c| c.current_workspace.clone()) {
                Some(w) => (w, format!("context.workspace in {file_label}")),
                None => {
                    return Err(Error::settings(
                        "no Blaxel workspace given",
                        "pass --workspace NAME, set BL_WORKSPACE, or log in with the Blaxel CLI (`bl login NAME`)",
                    ));
                }
            }
        }
    };
    if workspace.trim().is_empty() || workspace.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Error::settings(
            format!("{workspace:?} ({workspace_source}) is not a Blaxel workspace name"),
            "workspace names have no spaces or control characters",
        ));
    }

    let file_workspace = || -> Result<Option<&blaxel_config::Workspace>> {
        let cfg = config.as_ref().map_err(copy_error)?;
        Ok(cfg.as_ref().and_then(|c| c.workspace(&workspace)))
    };

    let relogin = format!("log in again with `bl login {workspace}`, or set BL_API_KEY");
    let mut stale_login = None;
    let (auth, auth_source, auth_hint) = if let Some(key) = env_key {
        let hint = format!("check BL_API_KEY: it must be a Blaxel API key with access to workspace {workspace}");
        (Some(Auth::Bearer(Secret::new(key))), "BL_API_KEY".to_string(), hint)
    } else if let Some(cc) = env_client {
        check_client_credentials(&cc, "BL_CLIENT_CREDENTIALS")?;
        let hint = format!(
            "check BL_CLIENT_CREDENTIALS (base64 of a service account's client_id:client_secret) and that the account belongs to workspace {workspace}"
        );
        (Some(Auth::ClientCredentials(Secret::new(cc))), "BL_CLIENT_CREDENTIALS".to_string(), hint)
    } else {
        match file_workspace()?.and_then(|w| w.credentials.as_ref()) {
            None => (None, "none found".to_string(), relogin.clone()),
            Some(saved) => {
                let source = format!("credentials.{} of workspace {workspace} in {file_label}", saved.field());
                match saved {
                    SavedCredentials::ApiKey(k) => (
                        Some(Auth::Bearer(k.clone())),
                        source,
                        format!("the API key the Blaxel CLI saved in {file_label} was refused: {relogin}"),
                    ),
                    SavedCredentials::ClientCredentials(cc) => {
                        check_client_credentials(cc.expose(), &source)?;
                        let hint = format!(
                            "the client credentials the Blaxel CLI saved in {file_label} were refused: {relogin}"
                        );
                        (Some(Auth::ClientCredentials(cc.clone())), source, hint)
                    }
                    SavedCredentials::AccessToken(t) => {
                        // Refreshing Blaxel's own login is not something oauthctl does (its
                        // protocol is unconfirmed): use the token, and say what to do when it is stale.
                        stale_login = expired_at(t.expose()).map(|at| {
                            format!(
                                "the Blaxel CLI's login for {workspace} expired at {at}; if Blaxel refuses it, run `bl login {workspace}`"
                            )
                        });
                        let hint = format!(
                            "the Blaxel CLI's saved login for {workspace} has probably expired: run `bl login {workspace}` (oauthctl does not refresh it), or set BL_API_KEY"
                        );
                        (Some(Auth::Bearer(t.clone())), source, hint)
                    }
                }
            }
        }
    };

    let (base_url, base_url_source) = if let Some(u) = env_url {
        (super::base_url("BL_API_URL", &u)?, "BL_API_URL".to_string())
    } else if let Some(e) = env_env {
        (env_base(&e, "BL_ENV")?, "BL_ENV".to_string())
    } else {
        // A broken file was already reported above if workspace or credentials needed it; for the
        // URL alone it is not worth failing over.
        match config
            .as_ref()
            .ok()
            .and_then(|c| c.as_ref())
            .and_then(|c| c.workspace(&workspace))
            .and_then(|w| w.env.clone())
        {
            Some(e) => {
                let origin = format!("env of workspace {workspace} in {file_label}");
                (env_base(&e, &origin)?, origin)
            }
            None => (PROD_URL.to_string(), "default (prod)".to_string()),
        }
    };

    Ok(Settings { workspace, base_url, auth, workspace_source, base_url_source, auth_source, auth_hint, stale_login })
}

fn env_base(value: &str, origin: &str) -> Result<String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "prod" => Ok(PROD_URL.into()),
        "dev" => Ok(DEV_URL.into()),
        _ => Err(Error::settings(
            format!("{origin} is {value:?}; Blaxel environments are prod and dev"),
            "set BL_API_URL to use another API URL",
        )),
    }
}

/// `BL_CLIENT_CREDENTIALS` must be base64 of `client_id:client_secret`; said before any request.
fn check_client_credentials(value: &str, origin: &str) -> Result<()> {
    let engine = base64::engine::general_purpose::STANDARD;
    let ok = engine
        .decode(value.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .is_some_and(|s| s.split_once(':').is_some_and(|(id, secret)| !id.is_empty() && !secret.is_empty()));
    if ok {
        Ok(())
    } else {
        Err(Error::settings(
            format!("{origin} is not base64 of CLIENT_ID:CLIENT_SECRET"),
            "encode it with: printf '%s' \"$CLIENT_ID:$CLIENT_SECRET\" | base64",
        ))
    }
}

/// When a JWT's `exp` is in the past, that time (RFC 3339).
fn expired_at(token: &str) -> Option<String> {
    let exp = crate::oauth::jwt::claims(token)?.get("exp")?.as_i64()?;
    (exp <= crate::clock::now()).then(|| crate::clock::rfc3339(exp))
}

/// The client-credentials exchange request (`POST {base}/oauth/token`, Basic auth).
pub fn token_request(base_url: &str, client_credentials: &str) -> Request {
    Request::new("POST", format!("{base_url}/oauth/token"))
        .secret_header("Authorization", format!("Basic {}", client_credentials.trim()))
        .json(&json!({"grant_type": "client_credentials"}))
}

/// Exchanges client credentials for an access token.
pub fn exchange_client_credentials(http: &Http, base_url: &str, cc: &Secret, auth_hint: &str) -> Result<Secret> {
    let resp = http.send_with_retries(&token_request(base_url, cc.expose()))?;
    if !resp.is_success() {
        return Err(refusal("exchange the client credentials for a token", &resp, auth_hint));
    }
    serde_json::from_str::<Value>(&resp.body)
        .ok()
        .and_then(|v| v.get("access_token").and_then(Value::as_str).map(Secret::new))
        .ok_or_else(|| Error::Malformed {
            platform: "Blaxel",
            detail: format!("an access token without an access_token: {}", resp.snippet()),
        })
}

// ---------------------------------------------------------------------------------------------
// Bodies

pub fn connection_body(name: &str, display_name: &str, integration: &str, cred: &Credential) -> Value {
    json!({
        "metadata": {"name": name, "displayName": super::display_name(display_name)},
        "spec": {
            "integration": integration,
            "secret": {
                "CLIENT_ID": cred.client_id,
                "CLIENT_SECRET": cred.client_secret.expose(),
                "REFRESH_TOKEN": cred.refresh_token.expose(),
            },
        },
    })
}

/// As Blaxel's OAuth guide sends it; the function carries no secret, only the connection's name.
pub fn function_body(name: &str, display_name: &str, connection: &str) -> Value {
    json!({
        "metadata": {"name": name, "displayName": super::display_name(display_name)},
        "spec": {"type": "mcp", "integrationConnections": [connection], "runtime": {"type": "mcp"}},
    })
}

// ---------------------------------------------------------------------------------------------
// The API

/// One workspace of the Blaxel API, with a bearer token.
pub struct Api<'a> {
    pub http: &'a Http,
    pub base_url: &'a str,
    pub workspace: &'a str,
    pub token: &'a str,
    pub auth_hint: &'a str,
    /// Secrets the requests carry in their bodies (the credential pushed).
    pub secrets: Vec<&'a str>,
}

/// The MCP server as the push left it.
#[derive(Debug)]
pub struct FunctionState {
    pub outcome: Outcome,
    pub status: Option<DeployStatus>,
    pub url: Option<String>,
    /// Why an existing function was updated.
    pub reason: Option<String>,
}

impl Api<'_> {
    fn request(&self, method: &'static str, path: &str) -> Request {
        let req = Request::new(method, format!("{}{path}", self.base_url))
            .bearer(self.token)
            .header("X-Blaxel-Workspace", self.workspace);
        self.secrets.iter().fold(req, |r, s| r.secret(s))
    }

    fn send(&self, req: &Request) -> Result<Response> {
        Ok(self.http.send_with_retries(req)?)
    }

    fn create_connection(&self, body: &Value) -> Request {
        self.request("POST", "/integrations/connections").json(body)
    }
    fn put_connection(&self, name: &str, body: &Value) -> Request {
        self.request("PUT", &format!("/integrations/connections/{name}")).json(body)
    }
    fn create_function(&self, body: &Value) -> Request {
        self.request("POST", "/functions").json(body)
    }
    fn get_function(&self, name: &str) -> Request {
        self.request("GET", &format!("/functions/{name}"))
    }
    fn put_function(&self, name: &str, body: &Value) -> Request {
        self.request("PUT", &format!("/functions/{name}")).json(body)
    }

    /// The requests a push would send, in order, each with the case it is sent in.
    pub fn plan(
        &self,
        connection: (&str, &Value),
        function: Option<(&str, &Value)>,
        wait: bool,
    ) -> Vec<PlannedRequest> {
        let (cname, cbody) = connection;
        let mut out = vec![
            PlannedRequest::new(&self.create_connection(cbody), None),
            PlannedRequest::new(
                &self.put_connection(cname, cbody),
                Some("if the connection exists (409), with the same body and current secrets"),
            ),
        ];
        if let Some((fname, fbody)) = function {
            out.push(PlannedRequest::new(&self.create_function(fbody), None));
            out.push(PlannedRequest::new(&self.get_function(fname), Some("if the MCP server exists (409)")));
            out.push(PlannedRequest::new(
                &self.put_function(fname, fbody),
                Some("if it is bound to other connections, or its deployment FAILED"),
            ));
            if wait {
                out.push(PlannedRequest::new(
                    &self.get_function(fname),
                    Some("with --wait, every few seconds until DEPLOYED or FAILED"),
                ));
            }
        }
        out
    }

    /// Creates the connection, or overwrites it with the current secrets when it exists.
    pub fn push_connection(&self, name: &str, body: &Value) -> Result<Outcome> {
        let resp = self.send(&self.create_connection(body))?;
        if resp.is_success() {
            return Ok(Outcome::Created);
        }
        if resp.status != 409 {
            return Err(refusal(&format!("create the integration connection {name}"), &resp, self.auth_hint));
        }
        let resp = self.send(&self.put_connection(name, body))?;
        if resp.is_success() {
            return Ok(Outcome::Updated);
        }
        Err(refusal(&format!("update the existing integration connection {name}"), &resp, self.auth_hint))
    }

    /// Creates the MCP server; an existing one is PUT only when bound to other connections or
    /// FAILED (a PUT redeploys).
    pub fn push_function(&self, name: &str, body: &Value, connection: &str) -> Result<FunctionState> {
        let resp = self.send(&self.create_function(body))?;
        if resp.is_success() {
            let v = json_of(&resp);
            return Ok(FunctionState {
                outcome: Outcome::Created,
                status: status_of(&v).map(|s| DeployStatus::parse(&s)),
                url: url_of(&v),
                reason: None,
            });
        }
        if resp.status != 409 {
            return Err(refusal(&format!("create the MCP server {name}"), &resp, self.auth_hint));
        }
        let resp = self.send(&self.get_function(name))?;
        if !resp.is_success() {
            return Err(refusal(&format!("read the existing MCP server {name}"), &resp, self.auth_hint));
        }
        let existing = json_of(&resp);
        let mut bound: Vec<String> = existing["spec"]["integrationConnections"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default();
        bound.sort();
        bound.dedup();
        let status = status_of(&existing);
        let reason = if bound != [connection] {
            let was = if bound.is_empty() { "no connection".to_string() } else { bound.join(", ") };
            Some(format!("was bound to {was}"))
        } else if status.as_deref() == Some("FAILED") {
            Some("its last deployment FAILED; redeployed".to_string())
        } else {
            return Ok(FunctionState {
                outcome: Outcome::Unchanged,
                status: status.map(|s| DeployStatus::parse(&s)),
                url: url_of(&existing),
                reason: None,
            });
        };
        let resp = self.send(&self.put_function(name, body))?;
        if !resp.is_success() {
            return Err(refusal(&format!("update the existing MCP server {name}"), &resp, self.auth_hint));
        }
        let v = json_of(&resp);
        Ok(FunctionState {
            outcome: Outcome::Updated,
            status: status_of(&v).or(status).map(|s| DeployStatus::parse(&s)),
            url: url_of(&v).or_else(|| url_of(&existing)),
            reason,
        })
    }

    /// Polls the function until DEPLOYED (Ok, with its URL when Blaxel gives one) or FAILED (a
    /// remote error), at most `timeout`. `on_status` sees every status read.
    pub fn wait_deployed(
        &self,
        name: &str,
        timeout: Duration,
        on_status: &mut dyn FnMut(&str),
    ) -> Result<(String, Option<String>)> {
        let started = Instant::now();
        let mut delay = Duration::from_secs(1);
        loop {
            let resp = self.send(&self.get_function(name))?;
            if !resp.is_success() {
                return Err(refusal(&format!("read the MCP server {name}"), &resp, self.auth_hint));
            }
            let v = json_of(&resp);
            let status = status_of(&v).unwrap_or_else(|| "UNKNOWN".into());
            on_status(&status);
            match status.as_str() {
                "DEPLOYED" => return Ok((status, url_of(&v))),
                "FAILED" => {
                    let why = failure_reason(&v).map(|m| format!(": {m}")).unwrap_or_default();
                    return Err(Error::Failed {
                        message: format!("the MCP server {name} failed to deploy{why}"),
                        hint: "see its logs in the Blaxel console; running the same push again redeploys it".into(),
                    });
                }
                _ => {}
            }
            let left = timeout.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Err(Error::Failed {
                    message: format!("the MCP server {name} is still {status} after {}s", timeout.as_secs()),
                    hint: "it may still finish: run the same push with --wait again (nothing is created twice), or raise --timeout".into(),
                });
            }
            std::thread::sleep(delay.min(left));
            delay = (delay * 2).min(Duration::from_secs(5));
        }
    }
}

fn json_of(resp: &Response) -> Value {
    serde_json::from_str(&resp.body).unwrap_or(Value::Null)
}

/// The deployment status: a string, or (older answers) an object with a `status` field.
fn status_of(v: &Value) -> Option<String> {
    match &v["status"] {
        Value::String(s) => Some(s.clone()),
        Value::Object(m) => m.get("status").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

fn url_of(v: &Value) -> Option<String> {
    v["metadata"]["url"].as_str().filter(|u| !u.is_empty()).map(str::to_string)
}

/// The message of the latest FAILED event, when the answer carries events.
fn failure_reason(v: &Value) -> Option<String> {
    v["events"]
        .as_array()?
        .iter()
        .rev()
        .find(|e| e["status"] == "FAILED")
        .and_then(|e| e["message"].as_str())
        .map(str::to_string)
}

/// The text of a Blaxel error body: `message`, else `error` (flat or nested), else the raw body.
pub fn error_message(body: &str) -> String {
    let text = |v: Option<&Value>| -> Option<String> {
        match v? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            _ => None,
        }
    };
    if let Ok(Value::Object(m)) = serde_json::from_str::<Value>(body) {
        if let Some(Value::Object(inner)) = m.get("error") {
            if let Some(s) = text(inner.get("message")).or_else(|| text(inner.get("error"))) {
                return s;
            }
            if let Some(code) = inner.get("code").filter(|c| !c.is_null()) {
                return format!("error code {}", code.as_str().map(str::to_string).unwrap_or_else(|| code.to_string()));
            }
        }
        if let Some(s) = text(m.get("message")).or_else(|| text(m.get("error"))) {
            return s;
        }
    }
    crate::http::snippet(body, 200)
}

fn refusal(what: &str, resp: &Response, auth_hint: &str) -> Error {
    let advice = match resp.status {
        401 | 403 => Advice::Credentials(auth_hint.to_string()),
        404 => Advice::Check("check the workspace name, and BL_API_URL / BL_ENV if set".into()),
        s if s >= 500 => {
            Advice::Retry("Blaxel failed on its side; try again later: running the same push again is safe".into())
        }
        _ => Advice::None,
    };
    Error::Refused {
        platform: "Blaxel",
        action: what.to_string(),
        status: resp.status,
        message: resp.scrub(&error_message(&resp.body)),
        advice,
    }
}

// ---------------------------------------------------------------------------------------------
// The push pipeline's steps

/// A deployment status as Blaxel reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeployStatus {
    Deployed,
    Failed,
    /// Anything else (DEPLOYING, BUILDING, …), as Blaxel spells it.
    Other(String),
}

impl DeployStatus {
    pub fn parse(s: &str) -> Self {
        match s {
            "DEPLOYED" => DeployStatus::Deployed,
            "FAILED" => DeployStatus::Failed,
            other => DeployStatus::Other(other.to_string()),
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            DeployStatus::Deployed => "DEPLOYED",
            DeployStatus::Failed => "FAILED",
            DeployStatus::Other(s) => s,
        }
    }
}

impl serde::Serialize for DeployStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// `push blaxel`: the connection, then the MCP server bound to it, then (with `--wait`) its
/// deployment.
pub struct Push<'a> {
    pub http: &'a Http,
    pub settings: Settings,
    pub integration: String,
    /// Scopes the integration needs (from the provider's entry).
    pub required_scopes: Vec<String>,
    pub connection: String,
    pub connection_display: String,
    /// The MCP server's name and display name; `None` with `--no-function`.
    pub function: Option<(String, String)>,
    pub wait: Option<Duration>,
}

#[derive(serde::Serialize)]
pub struct Report {
    platform: &'static str,
    dry_run: bool,
    credential: String,
    workspace: String,
    connection: ConnectionReport,
    function: Option<FunctionReport>,
}

#[derive(serde::Serialize)]
struct ConnectionReport {
    name: String,
    integration: String,
    result: Outcome,
}

#[derive(serde::Serialize)]
struct FunctionReport {
    name: String,
    result: Outcome,
    /// The deployment status last seen (DEPLOYED after a successful `--wait`).
    status: Option<DeployStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

impl Push<'_> {
    fn api<'b>(&'b self, token: &'b str, cred: &'b Credential) -> Api<'b> {
        Api {
            http: self.http,
            base_url: &self.settings.base_url,
            workspace: &self.settings.workspace,
            token,
            auth_hint: &self.settings.auth_hint,
            secrets: cred.secret_values().to_vec(),
        }
    }

    fn bodies(&self, cred: &Credential) -> (Value, Option<Value>) {
        let conn = connection_body(&self.connection, &self.connection_display, &self.integration, cred);
        let func = self.function.as_ref().map(|(name, display)| function_body(name, display, &self.connection));
        (conn, func)
    }
}

impl super::Target for Push<'_> {
    type Report = Report;

    fn platform(&self) -> &'static str {
        "blaxel"
    }

    fn display_name(&self) -> &'static str {
        "Blaxel"
    }

    fn required_scopes(&self) -> (&[String], String) {
        (&self.required_scopes, format!("Blaxel's {} integration", self.integration))
    }

    fn warnings(&self) -> Vec<String> {
        self.settings.stale_login.iter().cloned().collect()
    }

    fn destination(&self) -> super::Destination {
        super::Destination {
            workspace: self.settings.workspace.clone(),
            base_url: self.settings.base_url.clone(),
            auth_source: self.settings.auth_source.clone(),
        }
    }

    fn plan(&self, cred: &Credential) -> Vec<PlannedRequest> {
        let (conn, func) = self.bodies(cred);
        let mut requests = Vec::new();
        if let Some(Auth::ClientCredentials(_)) = &self.settings.auth {
            requests.push(PlannedRequest::new(&token_request(&self.settings.base_url, ""), None));
        }
        let function = self.function.as_ref().map(|(name, _)| name.as_str()).zip(func.as_ref());
        requests.extend(self.api("", cred).plan((&self.connection, &conn), function, self.wait.is_some()));
        requests
    }

    fn secrets(&self) -> Vec<String> {
        match &self.settings.auth {
            Some(Auth::Bearer(t) | Auth::ClientCredentials(t)) => vec![t.expose().to_string()],
            None => Vec::new(),
        }
    }

    fn missing_auth(&self) -> Option<Error> {
        self.settings.auth.is_none().then(|| self.settings.missing_auth_error())
    }

    fn run(
        &mut self,
        cred: &Credential,
        redactor: &mut crate::redact::Redactor,
        progress: &mut dyn FnMut(super::Progress),
    ) -> Result<(Report, Option<Error>)> {
        use super::Progress::{Detail, Done, WaitOver, Waiting};
        let bearer: Secret = match self.settings.auth.as_ref().ok_or_else(|| self.settings.missing_auth_error())? {
            Auth::Bearer(t) => t.clone(),
            Auth::ClientCredentials(cc) => {
                exchange_client_credentials(self.http, &self.settings.base_url, cc, &self.settings.auth_hint)?
            }
        };
        redactor.add(bearer.expose());
        let (conn_body, func_body) = self.bodies(cred);
        let api = self.api(bearer.expose(), cred);
        let ws = &self.settings.workspace;
        let outcome = api.push_connection(&self.connection, &conn_body)?;
        progress(Done(format!(
            "Integration connection {} {} in Blaxel workspace {ws} ({}, from {})",
            self.connection,
            outcome.as_str(),
            self.integration,
            cred.key
        )));
        let mut report = Report {
            platform: "blaxel",
            dry_run: false,
            credential: cred.key.clone(),
            workspace: ws.clone(),
            connection: ConnectionReport {
                name: self.connection.clone(),
                integration: self.integration.clone(),
                result: outcome,
            },
            function: None,
        };
        let (Some((function, _)), Some(body)) = (&self.function, &func_body) else { return Ok((report, None)) };
        let state = api.push_function(function, body, &self.connection).map_err(|e| Error::Failed {
            message: format!("{e}; the connection {} was {}", self.connection, outcome.as_str()),
            hint: match e {
                Error::Refused { advice: Advice::Credentials(h) | Advice::Check(h) | Advice::Retry(h), .. } => h,
                _ => "running the same push again finishes the job".into(),
            },
        })?;
        let reason = state.reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default();
        progress(Done(format!("MCP server {function} {}{reason}", state.outcome.as_str())));
        let mut status = state.status.clone();
        let mut url = state.url.clone();
        let mut failure = None;
        if let Some(timeout) = self.wait {
            let mut last = None;
            let result = api.wait_deployed(function, timeout, &mut |s| {
                progress(Waiting {
                    name: function.clone(),
                    what: format!("MCP server {function} to deploy"),
                    state: s.to_string(),
                });
                last = Some(DeployStatus::parse(s));
            });
            progress(WaitOver);
            status = last.or(status);
            match result {
                Ok((_, deployed_url)) => url = url.or(deployed_url),
                Err(e) => failure = Some(e),
            }
        }
        match (&status, self.wait.is_some(), &failure) {
            (Some(s), true, None) => progress(Detail(format!("status: {}", s.as_str()))),
            (Some(s), false, _) if *s != DeployStatus::Deployed => {
                progress(Detail(format!("status: {} (add --wait to wait until DEPLOYED)", s.as_str())))
            }
            (Some(s), false, _) => progress(Detail(format!("status: {}", s.as_str()))),
            _ => {}
        }
        if let Some(u) = &url {
            progress(Detail(format!("url:    {u}")));
        }
        report.function =
            Some(FunctionReport { name: function.clone(), result: state.outcome, status, url, reason: state.reason });
        Ok((report, failure))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> Env {
        Env::fixed(pairs.iter().copied())
    }

    fn hint(e: &Error) -> String {
        match e {
            Error::Settings { hint, .. } => hint.clone(),
            other => panic!("not a settings error: {other:?}"),
        }
    }

    fn config(dir: &Path, text: &str) -> std::path::PathBuf {
        let p = dir.join("config.yaml");
        std::fs::write(&p, text).unwrap();
        p
    }

    const FILE: &str = "context:\n  workspace: filews\nworkspaces:\n  - name: filews\n    env: dev\n    credentials:\n      apiKey: file-key\n  - name: other\n    credentials:\n      access_token: other-token\n";

    #[test]
    fn flags_and_environment_win_over_the_cli_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = config(dir.path(), FILE);
        let s = resolve(Some("flagws"), &env_of(&[("BL_WORKSPACE", "envws"), ("BL_API_KEY", "env-key")]), Some(&p))
            .unwrap();
        assert_eq!((s.workspace.as_str(), s.workspace_source.as_str()), ("flagws", "--workspace"));
        assert_eq!(s.auth_source, "BL_API_KEY");
        assert!(matches!(&s.auth, Some(Auth::Bearer(k)) if k.expose() == "env-key"));
        assert_eq!(s.base_url, PROD_URL, "no entry for flagws in the file: production");

        let s =
            resolve(None, &env_of(&[("BL_WORKSPACE", "envws"), ("BL_CLIENT_CREDENTIALS", "aWQ6c2VjcmV0")]), Some(&p))
                .unwrap();
        assert_eq!(s.workspace_source, "BL_WORKSPACE");
        assert!(matches!(s.auth, Some(Auth::ClientCredentials(_))));
    }

    #[test]
    fn the_cli_file_gives_workspace_key_and_environment() {
        let dir = tempfile::tempdir().unwrap();
        let p = config(dir.path(), FILE);
        let s = resolve(None, &env_of(&[]), Some(&p)).unwrap();
        assert_eq!(s.workspace, "filews");
        assert!(s.workspace_source.starts_with("context.workspace in "));
        assert!(matches!(&s.auth, Some(Auth::Bearer(k)) if k.expose() == "file-key"));
        assert!(s.auth_source.starts_with("credentials.apiKey of workspace filews"), "{}", s.auth_source);
        assert_eq!((s.base_url.as_str(), s.base_url_source.starts_with("env of workspace")), (DEV_URL, true));

        let s = resolve(Some("other"), &env_of(&[("BL_ENV", "prod")]), Some(&p)).unwrap();
        assert!(matches!(&s.auth, Some(Auth::Bearer(t)) if t.expose() == "other-token"));
        assert!(s.auth_hint.contains("bl login other"), "{}", s.auth_hint);
        assert_eq!(s.base_url, PROD_URL);

        let s = resolve(Some("filews"), &env_of(&[("BL_API_URL", "http://127.0.0.1:9/")]), Some(&p)).unwrap();
        assert_eq!((s.base_url.as_str(), s.base_url_source.as_str()), ("http://127.0.0.1:9", "BL_API_URL"));
    }

    #[test]
    fn missing_pieces_are_usage_errors_with_the_way_out() {
        let dir = tempfile::tempdir().unwrap();
        let none = dir.path().join("absent.yaml");
        let e = resolve(None, &env_of(&[("BL_API_KEY", "k")]), Some(&none)).err().unwrap();
        assert!(matches!(e, Error::Settings { .. }));
        assert!(hint(&e).contains("--workspace"));
        let s = resolve(Some("w"), &env_of(&[]), Some(&none)).unwrap();
        assert!(s.auth.is_none());
        assert!(hint(&s.missing_auth_error()).contains("BL_API_KEY"));
        let e = resolve(Some("w"), &env_of(&[("BL_CLIENT_CREDENTIALS", "not base64!")]), None).err().unwrap();
        assert!(e.to_string().contains("BL_CLIENT_CREDENTIALS"), "{e}");
        let e = resolve(Some("w"), &env_of(&[("BL_API_KEY", "k"), ("BL_ENV", "staging")]), None).err().unwrap();
        assert!(e.to_string().contains("prod and dev"), "{e}");
        let e = resolve(Some("w"), &env_of(&[("BL_API_KEY", "k"), ("BL_API_URL", "http://api.example.test")]), None)
            .err()
            .unwrap();
        assert!(e.to_string().contains("https"), "{e}");
    }

    #[test]
    fn an_expired_saved_login_is_noticed() {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let jwt = format!("e30.{}.sig", URL_SAFE_NO_PAD.encode(r#"{"exp":1000000000}"#));
        let dir = tempfile::tempdir().unwrap();
        let p = config(dir.path(), &format!("workspaces:\n  - name: w\n    credentials:\n      access_token: {jwt}\n"));
        let s = resolve(Some("w"), &env_of(&[]), Some(&p)).unwrap();
        assert!(s.stale_login.unwrap().contains("2001-09-09T01:46:40Z"));
    }

    #[test]
    fn both_error_shapes_are_read() {
        assert_eq!(error_message(r#"{"code":409,"error":"Conflict","message":"already exists"}"#), "already exists");
        assert_eq!(error_message(r#"{"code":"E1","error":"Resource already exists"}"#), "Resource already exists");
        assert_eq!(
            error_message(r#"{"error":{"code":"NOT_FOUND","message":"no such workspace"}}"#),
            "no such workspace"
        );
        assert_eq!(error_message(r#"{"error":{"code":500}}"#), "error code 500");
        assert_eq!(error_message("<html>Bad Gateway</html>"), "<html>Bad Gateway</html>");
    }

    #[test]
    fn bodies_match_blaxels_guide() {
        let cred = Credential {
            key: "gmail:a".into(),
            provider: "gmail".into(),
            account: "a".into(),
            client_id: "cid".into(),
            client_secret: Secret::new("cs"),
            refresh_token: Secret::new("rt"),
            access_token: Secret::new("at"),
        };
        let c = connection_body("gmail-a", "Gmail a", "gmail", &cred);
        assert_eq!(c["spec"]["secret"], json!({"CLIENT_ID": "cid", "CLIENT_SECRET": "cs", "REFRESH_TOKEN": "rt"}));
        assert_eq!(c["metadata"], json!({"name": "gmail-a", "displayName": "Gmail a"}));
        let f = function_body("gmail-a", "Gmail a", "gmail-a");
        assert_eq!(
            f["spec"],
            json!({"type": "mcp", "integrationConnections": ["gmail-a"], "runtime": {"type": "mcp"}})
        );
        assert!(!f.to_string().contains("\"cs\"") && !f.to_string().contains("\"rt\""));
    }
}
