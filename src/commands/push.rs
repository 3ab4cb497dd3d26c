//! `oauthctl push blaxel|airbyte [TARGET]`: hand a stored credential to a hosted agent platform.
//! Resolve the account and the platform's settings, check everything that can be checked
//! locally (names, refresh token, client secret, scopes) before the first request, then call
//! `push::blaxel` / `push::airbyte` and report. Nothing local is changed: the stored record is
//! sent as it is, never refreshed or rewritten.
//!
//! Decisions (also in the README's push sections):
//! - exit 2: a bad name or flag, or no platform credentials/workspace; 3: no such account; 4: the
//!   credential lacks a refresh token, client secret or scope (reconnecting fixes it, as for a
//!   revoked grant); 7: the platform refused or failed, a FAILED deployment, a `--wait` timeout,
//!   a failed Airbyte check; 1: an Airbyte connector of that name exists and `--replace` was not
//!   given (not a usage error: the same command is right once the old one is gone).
//! - `--dry-run` checks everything local as a real run does, and needs the workspace (it is in
//!   every request), but not the platform's credentials: requests show `Authorization: … [redacted]`
//!   either way, and a warning says a real run would stop. It prints the requests on stdout (they
//!   are what was asked for), including the ones sent only in some case, marked with `#` lines.
//! - `--json` prints the report even when the last step (waiting, Airbyte's check) fails after
//!   something was created, so a script learns what exists; the error still goes to stderr.

use std::time::Duration;

use serde::Serialize;

use super::Ctx;
use crate::cli::{AirbyteArgs, BlaxelArgs, PushArgs, PushTarget};
use crate::error::{Error, Result};
use crate::output::{print_stdout, trace};
use crate::providers::Provider;
use crate::push::{self, Credential, Outcome, PlannedRequest, Scrub, airbyte, blaxel};
use crate::secret::Secret;
use crate::store::index::{self, Entry};

pub fn run(ctx: &Ctx, args: &PushArgs) -> Result<()> {
    match &args.platform {
        PushTarget::Blaxel(a) => run_blaxel(ctx, a),
        PushTarget::Airbyte(a) => run_airbyte(ctx, a),
    }
}

#[derive(Serialize)]
struct DryRun<'a> {
    platform: &'static str,
    dry_run: bool,
    credential: String,
    workspace: &'a str,
    base_url: &'a str,
    /// Where the platform credentials would come from ("none found" allowed in a dry run).
    auth_source: &'a str,
    requests: Vec<PlannedRequest>,
    warnings: &'a [String],
}

#[derive(Serialize)]
struct BlaxelReport<'a> {
    platform: &'static str,
    dry_run: bool,
    credential: String,
    workspace: &'a str,
    connection: ConnectionReport<'a>,
    function: Option<FunctionReport<'a>>,
    warnings: &'a [String],
}

#[derive(Serialize)]
struct ConnectionReport<'a> {
    name: &'a str,
    integration: &'a str,
    result: Outcome,
}

#[derive(Serialize)]
struct FunctionReport<'a> {
    name: &'a str,
    result: Outcome,
    /// The deployment status last seen (DEPLOYED after a successful `--wait`).
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

#[derive(Serialize)]
struct AirbyteReport<'a> {
    platform: &'static str,
    dry_run: bool,
    credential: String,
    /// Sent as both `customer_name` and `workspace_name`.
    workspace: &'a str,
    connector: ConnectorReport<'a>,
    deleted: Vec<airbyte::Deleted>,
    check: airbyte::Check,
    warnings: &'a [String],
}

#[derive(Serialize)]
struct ConnectorReport<'a> {
    name: &'a str,
    id: String,
    /// "created", or "replaced" when an earlier one of that name was deleted first.
    result: &'static str,
}

// ---------------------------------------------------------------------------------------------
// Blaxel

fn run_blaxel(ctx: &Ctx, args: &BlaxelArgs) -> Result<()> {
    let ui = ctx.ui;
    // Flags first: a bad name is refused before anything is read or sent.
    for (flag, value) in [
        ("--connection-name", &args.connection_name),
        ("--function-name", &args.function_name),
        ("--integration", &args.integration),
    ] {
        if let Some(v) = value {
            push::check_name(flag, v)?;
        }
    }
    if args.wait && args.timeout == 0 {
        return Err(Error::usage("--timeout must be at least 1 second"));
    }

    let entry = pick_account(ctx, args.target.as_deref(), "blaxel", |_| true)?;
    let key = entry.key();
    let catalog = ctx.catalog()?;
    let provider = catalog.get(&entry.provider)?;
    let integration = match (&args.integration, blaxel::default_integration(&entry.provider)) {
        (Some(i), _) => i.clone(),
        (None, Some(i)) => i.to_string(),
        (None, None) => {
            return Err(Error::usage(format!("no Blaxel integration is known for {} credentials", entry.provider))
                .with_hint("name it with --integration NAME (Blaxel's OAuth integrations: gmail, google-drive)"));
        }
    };
    let connection =
        args.connection_name.clone().unwrap_or_else(|| push::default_name(&entry.provider, &entry.account));
    let function = args.function_name.clone().unwrap_or_else(|| connection.clone());

    let config_path = push::blaxel_config::default_path();
    let settings = blaxel::resolve(args.workspace.as_deref(), &push::process_env, config_path.as_deref())?;
    trace(format!("Blaxel workspace {} (from {})", settings.workspace, settings.workspace_source));
    trace(format!("Blaxel API {} (from {})", settings.base_url, settings.base_url_source));
    trace(format!("Blaxel credentials: {}", settings.auth_source));
    if settings.auth.is_none() && !args.dry_run {
        return Err(settings.missing_auth_error());
    }

    let record = ctx.stores().load_existing(&entry)?;
    let cred = Credential::from_record(&record)?;
    let mut warnings = Vec::new();
    let needed_by = format!("Blaxel's {integration} integration");
    warnings.extend(push::check_scopes(
        &key,
        &entry.provider,
        &record.scopes,
        blaxel::required_scopes(&integration),
        &needed_by,
    )?);
    warnings.extend(ownership_warning(provider, &key, "Blaxel"));
    warnings.extend(settings.stale_login.clone());
    for w in &warnings {
        ui.warn(w);
    }

    let connection_body = blaxel::connection_body(
        &connection,
        &format!("{} {}", provider.display_name, entry.account),
        &integration,
        &cred,
    );
    let function_body = (!args.no_function).then(|| {
        blaxel::function_body(&function, &format!("{} MCP {}", provider.display_name, entry.account), &connection)
    });

    if args.dry_run {
        let api = blaxel::Api {
            http: ctx.http(),
            base_url: &settings.base_url,
            workspace: &settings.workspace,
            token: "",
            auth_hint: &settings.auth_hint,
        };
        let mut requests = Vec::new();
        if let Some(blaxel::Auth::ClientCredentials(_)) = &settings.auth {
            requests.push(PlannedRequest::new(&blaxel::token_request(&settings.base_url, ""), None));
        }
        requests.extend(api.plan(
            (&connection, &connection_body),
            function_body.as_ref().map(|b| (function.as_str(), b)),
            args.wait,
        ));
        let missing = settings.auth.is_none().then(|| settings.missing_auth_error());
        return print_dry_run(
            ctx,
            DryRun {
                platform: "blaxel",
                dry_run: true,
                credential: key,
                workspace: &settings.workspace,
                base_url: &settings.base_url,
                auth_source: &settings.auth_source,
                requests,
                warnings: &warnings,
            },
            missing,
        );
    }

    let http = ctx.http();
    let auth = settings.auth.as_ref().expect("checked above");
    // Every secret of this run is known before the first request, so that no error text and no
    // `-v` line can show it, even echoed by the platform.
    let mut scrub_values: Vec<&str> = cred.secret_values().to_vec();
    scrub_values.push(match auth {
        blaxel::Auth::Bearer(t) | blaxel::Auth::ClientCredentials(t) => t.expose(),
    });
    let scrub = Scrub::new(scrub_values.iter().copied());
    let bearer: Secret = match auth {
        blaxel::Auth::Bearer(t) => t.clone(),
        blaxel::Auth::ClientCredentials(cc) => {
            blaxel::exchange_client_credentials(http, &settings.base_url, cc, &settings.auth_hint)
                .map_err(|e| scrub.error(e))?
        }
    };
    scrub_values.push(bearer.expose());
    let scrub = Scrub::new(scrub_values);
    let api = blaxel::Api {
        http,
        base_url: &settings.base_url,
        workspace: &settings.workspace,
        token: bearer.expose(),
        auth_hint: &settings.auth_hint,
    };

    let conn_outcome = api.push_connection(&connection, &connection_body).map_err(|e| scrub.error(e))?;
    let tick = ui.paint("✓", "32");
    ui.info(format!(
        "{tick} Integration connection {connection} {} in Blaxel workspace {} ({integration}, from {key})",
        conn_outcome.as_str(),
        settings.workspace
    ));

    let mut function_report = None;
    let mut wait_error = None;
    if let Some(body) = &function_body {
        let state = api.push_function(&function, body, &connection).map_err(|e| {
            let mut e = scrub.error(e);
            e.message = format!("{}; the connection {connection} was {}", e.message, conn_outcome.as_str());
            if e.hint.is_none() {
                e.hint = Some("running the same push again finishes the job".into());
            }
            e
        })?;
        let reason = state.reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default();
        ui.info(format!("{tick} MCP server {function} {}{reason}", state.outcome.as_str()));
        let mut status = state.status.clone();
        let mut url = state.url.clone();
        if args.wait {
            let (result, last_seen) = wait(ctx, &api, &function, Duration::from_secs(args.timeout));
            status = last_seen.or(status);
            match result {
                Ok((_, deployed_url)) => url = url.or(deployed_url),
                Err(e) => wait_error = Some(scrub.error(e)),
            }
        }
        match (&status, args.wait, &wait_error) {
            (Some(s), true, None) => ui.info(format!("  status: {s}")),
            (Some(s), false, _) if s != "DEPLOYED" => {
                ui.info(format!("  status: {s} (add --wait to wait until DEPLOYED)"))
            }
            (Some(s), false, _) => ui.info(format!("  status: {s}")),
            _ => {}
        }
        if let Some(u) = &url {
            ui.info(format!("  url:    {u}"));
        }
        function_report =
            Some(FunctionReport { name: &function, result: state.outcome, status, url, reason: state.reason });
    }
    if ui.json {
        ui.print_json(&BlaxelReport {
            platform: "blaxel",
            dry_run: false,
            credential: key,
            workspace: &settings.workspace,
            connection: ConnectionReport { name: &connection, integration: &integration, result: conn_outcome },
            function: function_report,
            warnings: &warnings,
        })?;
    }
    match wait_error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Polls until DEPLOYED or FAILED: a spinner on a terminal, a line per status change otherwise.
/// Also returns the last status seen, for the report when waiting fails.
fn wait(
    ctx: &Ctx,
    api: &blaxel::Api,
    function: &str,
    timeout: Duration,
) -> (Result<(String, Option<String>)>, Option<String>) {
    let ui = ctx.ui;
    let bar = (ui.stderr_tty && !ui.quiet).then(|| {
        let b = indicatif::ProgressBar::new_spinner();
        b.set_style(indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("static template"));
        b.enable_steady_tick(Duration::from_millis(120));
        b.set_message(format!("Waiting for MCP server {function} to deploy"));
        b
    });
    let mut last = String::new();
    let result = api.wait_deployed(function, timeout, &mut |status| {
        if let Some(b) = &bar {
            b.set_message(format!("Waiting for MCP server {function} to deploy: {status}"));
        } else if status != last {
            ui.info(format!("  {function}: {status}"));
        }
        last = status.to_string();
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    (result, (!last.is_empty()).then_some(last))
}

// ---------------------------------------------------------------------------------------------
// Airbyte

fn run_airbyte(ctx: &Ctx, args: &AirbyteArgs) -> Result<()> {
    let ui = ctx.ui;
    for (flag, value) in [("--name", &args.name), ("--workspace-name", &args.workspace_name)] {
        if let Some(v) = value.as_deref()
            && (v.trim().is_empty() || v.len() > 255 || v.chars().any(char::is_control))
        {
            return Err(Error::usage(format!("{flag} {v:?} is not a usable name")));
        }
    }

    let entry = pick_account(ctx, args.target.as_deref(), "airbyte", |e| e.provider == "gmail")?;
    let key = entry.key();
    if entry.provider != "gmail" {
        return Err(Error::usage(format!(
            "Airbyte's connector takes Gmail credentials; {key} is a {} credential",
            entry.provider
        ))
        .with_hint("push a gmail account, e.g. oauthctl push airbyte gmail"));
    }
    let catalog = ctx.catalog()?;
    let provider = catalog.get(&entry.provider)?;
    let workspace = args.workspace_name.clone().unwrap_or_else(|| entry.account.clone());
    let name = args.name.clone().unwrap_or_else(|| push::default_name(&entry.provider, &entry.account));

    let settings = airbyte::Settings::resolve(&push::process_env)?;
    trace(format!("Airbyte API {} (from {})", settings.base_url, settings.base_url_source));
    trace(format!(
        "Airbyte application: {}",
        if settings.missing_variables().is_empty() {
            "AIRBYTE_CLIENT_ID and AIRBYTE_CLIENT_SECRET"
        } else {
            "not configured"
        }
    ));
    if settings.organization_id.is_some() {
        trace("Airbyte organization: AIRBYTE_ORGANIZATION_ID");
    }
    if !args.dry_run {
        settings.application()?;
    }

    let record = ctx.stores().load_existing(&entry)?;
    let cred = Credential::from_record(&record)?;
    let mut warnings = Vec::new();
    warnings.extend(push::check_scopes(
        &key,
        &entry.provider,
        &record.scopes,
        airbyte::REQUIRED_SCOPES,
        "Airbyte's Gmail connector",
    )?);
    warnings.extend(ownership_warning(provider, &key, "Airbyte"));
    for w in &warnings {
        ui.warn(w);
    }
    let body = airbyte::connector_body(&name, &workspace, &cred, args.include_spam_and_trash);

    if args.dry_run {
        let id = settings.client_id.as_deref().unwrap_or("");
        let mut requests = vec![PlannedRequest::new(&settings.token_request(id, ""), None)];
        requests.extend(settings.api(ctx.http(), "").plan(&workspace, &body, args.replace));
        let missing = settings.application().err();
        let auth_source = if missing.is_none() { "AIRBYTE_CLIENT_ID, AIRBYTE_CLIENT_SECRET" } else { "none found" };
        return print_dry_run(
            ctx,
            DryRun {
                platform: "airbyte",
                dry_run: true,
                credential: key,
                workspace: &workspace,
                base_url: &settings.base_url,
                auth_source,
                requests,
                warnings: &warnings,
            },
            missing,
        );
    }

    let http = ctx.http();
    let (_, app_secret) = settings.application()?;
    let mut scrub_values: Vec<&str> = cred.secret_values().to_vec();
    scrub_values.push(app_secret.expose());
    let scrub = Scrub::new(scrub_values.iter().copied());
    let token = settings.token(http).map_err(|e| scrub.error(e))?;
    scrub_values.push(token.expose());
    let scrub = Scrub::new(scrub_values);
    let api = settings.api(http, token.expose());

    let existing = api.find(&workspace, &name).map_err(|e| scrub.error(e))?;
    if !existing.is_empty() && !args.replace {
        let ids: Vec<&str> = existing.iter().map(|e| e.id.as_str()).collect();
        return Err(Error::other(format!(
            "Airbyte workspace {workspace} already has a connector named {name} ({})",
            ids.join(", ")
        ))
        .with_hint("add --replace to delete it and create the new one (credentials cannot be updated in place), or pick another --name"));
    }
    let mut deleted = Vec::new();
    for old in &existing {
        let d = api.delete(&old.id).map_err(|e| scrub.error(e))?;
        let job = d.job_id.as_ref().map(|j| format!(", job {j}")).unwrap_or_default();
        ui.info(format!("Deleted the earlier connector {name} ({}: {}{job})", d.id, d.result));
        deleted.push(d);
    }
    let id = api.create(&body).map_err(|e| {
        let mut e = scrub.error(e);
        if !deleted.is_empty() {
            e.message = format!("{}; the earlier connector {name} was already deleted", e.message);
        }
        e
    })?;
    let result = if deleted.is_empty() { "created" } else { "replaced" };
    ui.info(format!(
        "{} Connector {name} {result} in Airbyte workspace {workspace} (id {id}, from {key})",
        ui.paint("✓", "32")
    ));
    let check = api.check(&id);
    let check = airbyte::Check { message: check.message.map(|m| scrub.text(&m)), ..check };
    match check.status.as_str() {
        "succeeded" => ui.info("  check:  succeeded"),
        "failed" => {}
        "unsupported" => ui.info("  check:  not offered by this server"),
        "error" => ui.warn(format!(
            "Airbyte's check of connector {id} could not be run: {}",
            check.message.as_deref().unwrap_or("no details")
        )),
        other => ui.info(format!("  check:  {other}")),
    }
    let failed = (check.status == "failed").then(|| {
        Error::remote(format!(
            "connector {name} ({id}) was created, but Airbyte's check failed: {}",
            check.message.as_deref().unwrap_or("no details given")
        ))
        .with_hint(
            "Airbyte could not use the credential (a known risk with tokens of your own OAuth client); fix the cause, then run the same push with --replace",
        )
    });
    if ui.json {
        ui.print_json(&AirbyteReport {
            platform: "airbyte",
            dry_run: false,
            credential: key,
            workspace: &workspace,
            connector: ConnectorReport { name: &name, id, result },
            deleted,
            check,
            warnings: &warnings,
        })?;
    }
    match failed {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Shared

/// The account TARGET names; without one, the only account `usable` accepts.
fn pick_account(ctx: &Ctx, target: Option<&str>, platform: &str, usable: impl Fn(&Entry) -> bool) -> Result<Entry> {
    let idx = index::load(&ctx.config_dir)?;
    if let Some(t) = target {
        return Ok(idx.resolve(t)?.clone());
    }
    let candidates: Vec<&Entry> = idx.accounts.iter().filter(|e| usable(e)).collect();
    match candidates.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Error::not_found(format!("no account to push to {platform} is connected"))
            .with_hint("connect one first: oauthctl connect gmail")),
        many => {
            let keys: Vec<String> = many.iter().map(|e| e.key()).collect();
            Err(Error::usage(format!(
                "{} accounts are connected ({}); name the one to push",
                keys.len(),
                keys.join(", ")
            ))
            .with_hint(format!("e.g. oauthctl push {platform} {}", keys[0])))
        }
    }
}

/// After a push the platform refreshes with the same refresh token. Where the provider rotates
/// refresh tokens, the first refresh on either side invalidates the other's copy.
fn ownership_warning(provider: &Provider, key: &str, platform: &str) -> Option<String> {
    provider.rotates_refresh_tokens.then(|| {
        format!(
            "{} rotates refresh tokens: {platform} and the local copy of {key} now share one, and whichever refreshes first \
             keeps working while the other gets invalid_grant. Let {platform} own it: forget the local copy with \
             `oauthctl logout {key} --local-only` (that does not revoke), and run `oauthctl connect {}` for a separate local grant if you need one.",
            provider.display_name, provider.name
        )
    })
}

fn print_dry_run(ctx: &Ctx, report: DryRun, missing_auth: Option<Error>) -> Result<()> {
    let ui = ctx.ui;
    if ui.json {
        ui.print_json(&report)?;
    } else {
        ui.info(format!(
            "Dry run: nothing is sent. {} {} at {} (credentials: {}); secrets are shown as [redacted].",
            if report.platform == "blaxel" { "Blaxel workspace" } else { "Airbyte workspace" },
            report.workspace,
            report.base_url,
            report.auth_source
        ));
        print_stdout(&push::render_requests(&report.requests))?;
    }
    if let Some(e) = missing_auth {
        ui.warn(format!(
            "a real run would stop here: {}{}",
            e.message,
            e.hint.map(|h| format!(" ({h})")).unwrap_or_default()
        ));
    }
    Ok(())
}
