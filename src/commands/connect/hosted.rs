//! `oauthctl connect PROVIDER --via airbyte|bluenexus`: a hosted platform runs the provider's
//! OAuth flow and keeps the tokens; oauthctl is the backend its redirect comes back to. The
//! loopback listener waits for that redirect with oauthctl's own `state` in the URL (neither
//! platform documents one), and the connection the platform made is recorded in the index: its
//! id, no secret.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

use super::loopback;
use crate::cli::{ConnectArgs, Via, key_values};
use crate::context::Ctx;
use crate::credentials::{self, Want};
use crate::error::{Error, Result};
use crate::oauth::listener::{self, Classify, Listener, Params, Route, Verdict};
use crate::oauth::pkce::random_token;
use crate::platforms::{self, airbyte, bluenexus};
use crate::providers::Provider;
use crate::store::index::{self, Connection};

/// What a platform's redirect must carry besides the state: an error, or (when named) an id.
struct HostedCallback {
    id_param: Option<&'static str>,
}

impl Classify for HostedCallback {
    fn classify(&self, p: &Params) -> Verdict {
        if let Some(error) = p.get("error") {
            return Verdict::Denied { error: error.clone(), description: p.get("error_description").cloned() };
        }
        match self.id_param {
            Some(name) if p.get(name).is_none_or(String::is_empty) => {
                Verdict::Reject(format!("no {name} in the redirect"))
            }
            _ => Verdict::Accept,
        }
    }
}

/// A hosted connection as `status --json` and `connect --via --json` show it.
#[derive(serde::Serialize)]
pub struct ConnectionStatus<'a> {
    target: &'a str,
    kind: &'a str,
    platform_id: &'a str,
    provider: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    workspace: Option<&'a str>,
    status: &'a str,
}

impl<'a> ConnectionStatus<'a> {
    pub fn of(c: &'a Connection) -> Self {
        ConnectionStatus {
            target: &c.target,
            kind: &c.kind,
            platform_id: &c.platform_id,
            provider: &c.provider,
            workspace: c.workspace.as_deref(),
            status: &c.status,
        }
    }
}

pub fn run(ctx: &Ctx, args: &ConnectArgs, via: Via) -> Result<()> {
    let provider = known_provider(ctx, &args.provider)?;
    let kind = match via {
        Via::Airbyte => "airbyte",
        Via::Bluenexus => "bluenexus",
    };
    if let Some(n) = &args.name {
        platforms::check_name("--name", n)?;
    }
    let connection = match via {
        Via::Airbyte => airbyte_flow(ctx, args, &provider)?,
        Via::Bluenexus => bluenexus_flow(ctx, args, &provider)?,
    };
    index::update(&ctx.config_dir, |idx| {
        idx.connections.retain(|c| c.target != connection.target);
        idx.connections.push(connection.clone());
    })?;
    let ui = &ctx.ui;
    ui.info(format!(
        "{} Connected {} through {kind} ({} connection {}, status {}). Its tokens stay with {kind}; oauthctl keeps the id only.",
        ui.paint("✓", "32"),
        provider.display_name,
        kind,
        connection.platform_id,
        connection.status
    ));
    ui.info(format!("  target: {} (status, status --check and logout take it)", connection.target));
    if ui.json() {
        ui.print_json(&ConnectionStatus::of(&connection))?;
    }
    Ok(())
}

/// The catalog's entry for `name`, or a bare one: a platform may have a connector for a provider
/// oauthctl does not know.
fn known_provider(ctx: &Ctx, name: &str) -> Result<Provider> {
    if let Some(p) = ctx.catalog()?.get(name)? {
        return Ok(p);
    }
    if !crate::providers::valid_name(name) {
        return Err(Error::usage(format!("{name:?} is not a provider name")));
    }
    let mut t = toml::Table::new();
    t.insert("display_name".into(), name.into());
    let mut p = crate::providers::from_table(t).expect("a bare entry");
    p.name = name.to_string();
    Ok(p)
}

fn check_target_free(ctx: &Ctx, target: &str) -> Result<()> {
    if index::load(&ctx.config_dir)?.connection(target).is_some() {
        return Err(Error::usage(format!("{target} is already recorded"))
            .with_hint(format!("pick another name with --name, or remove it first: oauthctl logout {target}")));
    }
    Ok(())
}

/// One trip through the platform's pages: a loopback listener and this run's state, which the
/// redirect URL handed to the platform carries.
struct Round {
    listener: Listener,
    state: String,
}

impl Round {
    fn open(args: &ConnectArgs) -> Result<Round> {
        Ok(Round { listener: Listener::bind(args.port.unwrap_or(0), false)?, state: random_token(32) })
    }

    fn redirect_url(&self) -> String {
        format!("http://127.0.0.1:{}/callback?state={}", self.listener.port, self.state)
    }

    /// Opens `url` and waits for the platform's redirect with this run's state (and `id_param`).
    fn wait(
        self,
        ctx: &Ctx,
        args: &ConnectArgs,
        provider: &Provider,
        platform: &str,
        url: &str,
        id_param: Option<&'static str>,
    ) -> Result<Params> {
        let ui = &ctx.ui;
        let port = self.listener.port;
        let classify: Arc<dyn Classify> = Arc::new(HostedCallback { id_param });
        let (tx, rx) = mpsc::channel();
        let hosts = vec![format!("127.0.0.1:{port}")];
        let server = self.listener.serve(
            Route { path: "/callback".into(), hosts, state: self.state.clone() },
            classify.clone(),
            tx.clone(),
        );
        let paste = args.paste || (ui.stdin_tty() && ui.interactive());
        if paste {
            listener::read_pasted(std::io::BufReader::new(std::io::stdin()), self.state, classify, tx);
        }
        ui.info(format!("Open this URL to connect {} through {platform}:\n\n  {url}\n", provider.display_name));
        if !args.no_browser {
            match crate::oauth::browser::open(url, &ctx.env, ui.verbose()) {
                Ok(how) => ui.info(format!("Opened it with {how}.")),
                Err(why) => ui.warn(format!("{why}; open the URL above yourself")),
            }
        }
        let timeout = Duration::from_secs(args.timeout.unwrap_or(loopback::DEFAULT_TIMEOUT));
        ui.info(format!(
            "Waiting for {platform} to send the browser back to http://127.0.0.1:{port}/callback (up to {}s) …",
            timeout.as_secs()
        ));
        let result = loopback::wait(ctx, &rx, timeout, provider, !paste);
        server.stop();
        let (params, reply) = result?;
        if let Some(r) = reply {
            r.page(
                200,
                "Connected",
                &format!(
                    "{platform} connected {}. You can close this tab and return to the terminal.",
                    provider.display_name
                ),
            );
        }
        Ok(params)
    }
}

// ---------------------------------------------------------------------------------------------
// Airbyte

fn airbyte_flow(ctx: &Ctx, args: &ConnectArgs, provider: &Provider) -> Result<Connection> {
    if !args.params.is_empty() || !args.fields.is_empty() || args.catalog_entry.is_some() {
        return Err(Error::usage("--param, --field and --catalog-entry are for --via bluenexus")
            .with_hint("Airbyte's initiate request takes the workspace and the connector type only"));
    }
    let workspace = args.workspace_name.clone().ok_or_else(|| {
        Error::usage("an Airbyte connection needs --workspace-name").with_hint("e.g. --workspace-name team-a")
    })?;
    if workspace.trim().is_empty() || workspace.chars().any(char::is_control) {
        return Err(Error::usage(format!("--workspace-name {workspace:?} is not a usable name")));
    }
    let name = args.name.clone().unwrap_or_else(|| platforms::default_name(&provider.name, &workspace));
    let target = format!("airbyte:{name}");
    check_target_free(ctx, &target)?;
    let connector_type = args
        .connector_type
        .clone()
        .or_else(|| provider.platforms.airbyte.as_ref().and_then(|a| a.connector_type.clone()))
        .unwrap_or_else(|| provider.display_name.clone());
    let (settings, token) = airbyte_session(ctx)?;
    let api = settings.api(ctx.http(), token.expose(), Vec::new());
    let round = Round::open(args)?;
    let consent = api.initiate(&workspace, &connector_type, &round.redirect_url())?;
    let params = round.wait(ctx, args, provider, "Airbyte", &consent, Some("connector_id"))?;
    let id = params.get("connector_id").cloned().unwrap_or_default();
    Ok(Connection {
        kind: "airbyte".into(),
        target,
        platform_id: id,
        provider: provider.name.clone(),
        workspace: Some(workspace),
        status: "active".into(),
        updated_at: crate::clock::now(),
    })
}

/// Airbyte's settings and an application token: what every Airbyte request here starts from.
fn airbyte_session(ctx: &Ctx) -> Result<(airbyte::Settings, crate::secret::Secret)> {
    let settings = airbyte::Settings::resolve(&ctx.env)?;
    let token = settings.token(ctx.http())?;
    Ok((settings, token))
}

// ---------------------------------------------------------------------------------------------
// BlueNexus

/// The BlueNexus API base and a fresh access token of the signed-in `bluenexus` account.
fn bluenexus_session(ctx: &Ctx) -> Result<(String, crate::secret::Secret)> {
    Ok((bluenexus::base_url(&ctx.env)?, bluenexus_token(ctx)?))
}

/// A BlueNexus access token from the signed-in `bluenexus` account (refreshed under its lock:
/// BlueNexus's refresh tokens are single-use and a reuse ends the session).
pub fn bluenexus_token(ctx: &Ctx) -> Result<crate::secret::Secret> {
    let entry = credentials::find(ctx, "bluenexus").map_err(|e| match e.kind {
        crate::error::Kind::NotFound => {
            Error::usage("not signed in to BlueNexus").with_hint("sign in first: oauthctl connect bluenexus")
        }
        _ => e,
    })?;
    let (record, _) = credentials::ensure_fresh(ctx, &entry, &Want { min_valid: 60, force: false, token: None }, None)?;
    Ok(record.access_token)
}

fn bluenexus_flow(ctx: &Ctx, args: &ConnectArgs, provider: &Provider) -> Result<Connection> {
    let (base_url, token) = bluenexus_session(ctx)?;
    let api = bluenexus::Api { http: ctx.http(), base_url, token: token.expose() };
    let given_fields = key_values("--field", &args.fields)?;
    let made = if args.bearer_token_stdin {
        let entry = args
            .catalog_entry
            .as_deref()
            .ok_or_else(|| Error::usage("--bearer-token-stdin goes with --catalog-entry ID (an MCP catalog entry)"))?;
        let bearer = super::client::read_stdin_secret("bearer token", "--bearer-token-stdin")?;
        api.from_catalog(entry, bearer.expose())?
    } else {
        let round = Round::open(args)?;
        let redirect = round.redirect_url();
        let url = match &args.catalog_entry {
            Some(entry) => api.initiate_catalog(entry, &redirect)?,
            None => {
                let params: serde_json::Map<String, Value> =
                    key_values("--param", &args.params)?.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
                api.initiate(&provider.name, &redirect, &params)?
            }
        };
        let back = round.wait(ctx, args, provider, "BlueNexus", &url, None)?;
        ctx.ui.trace(format!("redirect parameters: {}", back.keys().cloned().collect::<Vec<_>>().join(", ")));
        if let Some(pending) = bluenexus::PENDING_PARAMS.iter().find_map(|n| back.get(*n)) {
            finalize(ctx, &api, pending, &given_fields)?;
        }
        // What BlueNexus appends to the redirect is undocumented: its connection list decides.
        let named = bluenexus::CONNECTION_PARAMS.iter().find_map(|n| back.get(*n)).cloned();
        let list = api.connections(args.catalog_entry.is_none().then_some(provider.name.as_str()))?;
        match named.and_then(|id| list.iter().find(|c| c.id == id).cloned()).or_else(|| list.into_iter().next()) {
            Some(c) => c,
            None => {
                return Err(Error::remote(format!(
                    "BlueNexus redirected back, but lists no {} connection",
                    args.catalog_entry.as_deref().unwrap_or(&provider.name)
                ))
                .with_hint("look in the BlueNexus app; nothing was recorded here"));
            }
        }
    };
    if let Some(advice) = made.status.advice(&provider.name) {
        ctx.ui.warn(format!("the new connection is {}: {advice}", made.status.as_str()));
    }
    let short: String =
        made.id.chars().filter(char::is_ascii_alphanumeric).take(8).collect::<String>().to_ascii_lowercase();
    let label = args.catalog_entry.as_deref().unwrap_or(&provider.name);
    let name = args.name.clone().unwrap_or_else(|| platforms::default_name(label, &short));
    let target = format!("bluenexus:{name}");
    Ok(Connection {
        kind: "bluenexus".into(),
        target,
        platform_id: made.id,
        provider: label.to_string(),
        workspace: None,
        status: made.status.as_str().to_string(),
        updated_at: crate::clock::now(),
    })
}

/// The fields a pending connection needs: from `--field`, else asked on a terminal; without one,
/// the error names the missing `--field`.
fn finalize(ctx: &Ctx, api: &bluenexus::Api, pending: &str, given: &BTreeMap<String, String>) -> Result<()> {
    let fields = api.pending_fields(pending)?;
    let mut values = serde_json::Map::new();
    for f in &fields {
        let value = match given.get(&f.name) {
            Some(v) => v.clone(),
            None if ctx.ui.interactive() => {
                let prompt = format!("{} ({})", f.label, f.name);
                let answer = if f.secret {
                    dialoguer::Password::new().with_prompt(prompt).allow_empty_password(!f.required).interact()
                } else {
                    dialoguer::Input::<String>::new().with_prompt(prompt).allow_empty(!f.required).interact_text()
                };
                answer.map_err(|e| Error::other(format!("reading {}: {e}", f.name)))?
            }
            None if !f.required => continue,
            None => {
                let missing: Vec<String> = fields
                    .iter()
                    .filter(|g| g.required && !given.contains_key(&g.name))
                    .map(|g| format!("--field {}=…", g.name))
                    .collect();
                return Err(Error::usage(format!(
                    "BlueNexus needs {} for this connection, and there is no terminal to ask on",
                    missing.join(" ")
                ))
                .with_hint(format!("run again with {}", missing.join(" "))));
            }
        };
        values.insert(f.name.clone(), Value::String(value));
    }
    api.finalize(pending, &values)?;
    Ok(())
}

/// `status --check`: asks each platform for the state of the connections oauthctl recorded,
/// writes what it says to the index, and returns the connections as now recorded, each with
/// advice when its state needs action.
pub fn check(ctx: &Ctx, connections: &[&Connection]) -> Result<Vec<(Connection, Option<String>)>> {
    let mut out = Vec::new();
    if connections.is_empty() {
        return Ok(out);
    }
    let http = ctx.http();
    let airbyte_api = if connections.iter().any(|c| c.kind == "airbyte") { Some(airbyte_session(ctx)?) } else { None };
    let nexus: Option<Vec<bluenexus::Connection>> = if connections.iter().any(|c| c.kind == "bluenexus") {
        let (base_url, token) = bluenexus_session(ctx)?;
        Some(bluenexus::Api { http, base_url, token: token.expose() }.connections(None)?)
    } else {
        None
    };
    for c in connections {
        let (status, advice) = match c.kind.as_str() {
            "airbyte" => {
                let (settings, token) = airbyte_api.as_ref().expect("made above");
                let state = settings.api(http, token.expose(), Vec::new()).state(&c.platform_id)?;
                let advice = (state == "deleted").then(|| {
                    format!("the connector is gone at Airbyte: forget it with `oauthctl logout {}`", c.target)
                });
                (state.to_string(), advice)
            }
            _ => match nexus.as_ref().and_then(|l| l.iter().find(|n| n.id == c.platform_id)) {
                Some(n) => (n.status.as_str().to_string(), n.status.advice(&c.provider)),
                None => (
                    "deleted".into(),
                    Some(format!("BlueNexus no longer lists it: forget it with `oauthctl logout {}`", c.target)),
                ),
            },
        };
        let now = crate::clock::now();
        out.push((Connection { status, updated_at: now, ..(*c).clone() }, advice));
    }
    index::update(&ctx.config_dir, |idx| {
        for (checked, _) in &out {
            if let Some(c) = idx.connections.iter_mut().find(|c| c.target == checked.target) {
                c.status = checked.status.clone();
                c.updated_at = checked.updated_at;
            }
        }
    })?;
    Ok(out)
}

/// `logout` of a hosted connection: deleted at the platform, then forgotten here.
pub fn remove(ctx: &Ctx, c: &Connection, local_only: bool) -> Result<&'static str> {
    let result = if local_only {
        "skipped"
    } else {
        match c.kind.as_str() {
            "airbyte" => {
                let (settings, token) = airbyte_session(ctx)?;
                settings.api(ctx.http(), token.expose(), Vec::new()).delete(&c.platform_id)?.result
            }
            _ => {
                let (base_url, token) = bluenexus_session(ctx)?;
                let api = bluenexus::Api { http: ctx.http(), base_url, token: token.expose() };
                if api.delete(&c.platform_id)? { "deleted" } else { "already gone" }
            }
        }
    };
    index::update(&ctx.config_dir, |idx| idx.connections.retain(|x| x.target != c.target))?;
    Ok(result)
}
