//! `oauthctl push blaxel|airbyte [TARGET]`: hand a stored credential to a hosted agent platform,
//! through the one pipeline every platform shares: pick the account, check everything that can be
//! checked locally (names, refresh token, client secret, scopes) before the first request, then
//! either print the plan (`--dry-run`) or run it, with every secret of the run removed from any
//! error, and report. Nothing local is changed: the stored record is sent as it is.
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

use crate::cli::{AirbyteArgs, BlaxelArgs, PushArgs, PushTarget};
use crate::context::Ctx;
use crate::credentials;
use crate::error::{Error, Result};
use crate::platforms::{self, Credential, PlannedRequest, Progress, Target, airbyte, blaxel, blaxel_config};
use crate::providers::Provider;
use crate::redact::Redactor;
use crate::store::Record;
use crate::store::index::{self, Entry};

pub fn run(ctx: &Ctx, args: &PushArgs) -> Result<()> {
    match &args.platform {
        PushTarget::Blaxel(a) => blaxel_push(ctx, a),
        PushTarget::Airbyte(a) => airbyte_push(ctx, a),
    }
}

fn blaxel_push(ctx: &Ctx, args: &BlaxelArgs) -> Result<()> {
    // Flags first: a bad name is refused before anything is read or sent.
    for (flag, value) in [
        ("--connection-name", &args.connection_name),
        ("--function-name", &args.function_name),
        ("--integration", &args.integration),
    ] {
        if let Some(v) = value {
            platforms::check_name(flag, v)?;
        }
    }
    if args.wait && args.timeout == 0 {
        return Err(Error::usage("--timeout must be at least 1 second"));
    }
    let (entry, record, provider) =
        pick_account(ctx, args.target.as_deref(), "blaxel", |p| p.platforms.blaxel.is_some())?;
    let known = provider.platforms.blaxel.as_ref();
    let integration = match (&args.integration, known.and_then(|b| b.integration.clone())) {
        (Some(i), _) => i.clone(),
        (None, Some(i)) => i,
        (None, None) => {
            return Err(Error::usage(format!("no Blaxel integration is known for {} credentials", entry.provider))
                .with_hint("name it with --integration NAME (Blaxel's OAuth integrations: gmail, google-drive)"));
        }
    };
    let required_scopes = known
        .filter(|b| b.integration.as_deref() == Some(integration.as_str()))
        .map(|b| b.scopes.clone())
        .unwrap_or_default();
    let connection =
        args.connection_name.clone().unwrap_or_else(|| platforms::default_name(&entry.provider, &entry.account));
    let function = (!args.no_function).then(|| {
        let name = args.function_name.clone().unwrap_or_else(|| connection.clone());
        (name, format!("{} MCP {}", provider.display_name, entry.account))
    });
    let config_path = blaxel_config::default_path(&ctx.env);
    let settings = blaxel::resolve(args.workspace.as_deref(), &ctx.env, config_path.as_deref())?;
    ctx.ui.trace(format!("Blaxel workspace {} (from {})", settings.workspace, settings.workspace_source));
    ctx.ui.trace(format!("Blaxel API {} (from {})", settings.base_url, settings.base_url_source));
    ctx.ui.trace(format!("Blaxel credentials: {}", settings.auth_source));
    let mut target = blaxel::Push {
        http: ctx.http(),
        settings,
        integration,
        required_scopes,
        connection_display: format!("{} {}", provider.display_name, entry.account),
        connection,
        function,
        wait: args.wait.then(|| Duration::from_secs(args.timeout)),
    };
    pipeline(ctx, &mut target, &entry, &record, &provider, args.dry_run)
}

fn airbyte_push(ctx: &Ctx, args: &AirbyteArgs) -> Result<()> {
    for (flag, value) in [("--name", &args.name), ("--workspace-name", &args.workspace_name)] {
        if let Some(v) = value.as_deref()
            && (v.trim().is_empty() || v.len() > 255 || v.chars().any(char::is_control))
        {
            return Err(Error::usage(format!("{flag} {v:?} is not a usable name")));
        }
    }
    let (entry, record, provider) =
        pick_account(ctx, args.target.as_deref(), "airbyte", |p| p.platforms.airbyte.is_some())?;
    let Some(known) = provider.platforms.airbyte.clone().filter(|a| a.connector_type.is_some()) else {
        return Err(Error::usage(format!(
            "oauthctl knows no Airbyte connector for {} credentials ({} is a {} credential)",
            entry.provider,
            entry.key(),
            provider.display_name
        ))
        .with_hint("push a gmail account, e.g. oauthctl push airbyte gmail"));
    };
    let settings = airbyte::Settings::resolve(&ctx.env)?;
    ctx.ui.trace(format!("Airbyte API {} (from {})", settings.base_url, settings.base_url_source));
    let app = if settings.missing_variables().is_empty() {
        "AIRBYTE_CLIENT_ID and AIRBYTE_CLIENT_SECRET"
    } else {
        "not configured"
    };
    ctx.ui.trace(format!("Airbyte application: {app}"));
    if settings.organization_id.is_some() {
        ctx.ui.trace("Airbyte organization: AIRBYTE_ORGANIZATION_ID");
    }
    let mut target = airbyte::Push {
        http: ctx.http(),
        settings,
        workspace: args.workspace_name.clone().unwrap_or_else(|| entry.account.clone()),
        name: args.name.clone().unwrap_or_else(|| platforms::default_name(&entry.provider, &entry.account)),
        connector_type: known.connector_type.clone().expect("filtered above"),
        required_scopes: known.scopes,
        include_spam_and_trash: args.include_spam_and_trash,
        replace: args.replace,
    };
    pipeline(ctx, &mut target, &entry, &record, &provider, args.dry_run)
}

#[derive(Serialize)]
struct DryRun<'a> {
    platform: &'static str,
    dry_run: bool,
    credential: String,
    workspace: &'a str,
    base_url: &'a str,
    auth_source: &'a str,
    requests: Vec<PlannedRequest>,
    warnings: &'a [String],
}

/// The steps every push goes through.
fn pipeline<T: Target>(
    ctx: &Ctx,
    target: &mut T,
    entry: &Entry,
    record: &Record,
    provider: &Provider,
    dry_run: bool,
) -> Result<()> {
    let ui = &ctx.ui;
    if !dry_run && let Some(e) = target.missing_auth() {
        return Err(e.into());
    }
    let cred = Credential::from_record(record, provider)?;
    // What every platform checks locally: the scopes it needs (missing ones stop the push), who
    // owns a rotating refresh token once pushed; then the platform's own warnings.
    let (required, needed_by) = target.required_scopes();
    let mut warnings: Vec<String> =
        platforms::check_scopes(provider, &cred.key, &record.scopes, required, &needed_by)?.into_iter().collect();
    warnings.extend(platforms::ownership_warning(provider, &cred.key, target.display_name()));
    warnings.extend(target.warnings());
    for w in &warnings {
        ui.warn(w);
    }
    let dest = target.destination();
    if dry_run {
        let report = DryRun {
            platform: target.platform(),
            dry_run: true,
            credential: entry.key(),
            workspace: &dest.workspace,
            base_url: &dest.base_url,
            auth_source: &dest.auth_source,
            requests: target.plan(&cred),
            warnings: &warnings,
        };
        if ui.json() {
            ui.print_json(&report)?;
        } else {
            ui.info(format!(
                "Dry run: nothing is sent. {} workspace {} at {} (credentials: {}); secrets are shown as [redacted].",
                if report.platform == "blaxel" { "Blaxel" } else { "Airbyte" },
                report.workspace,
                report.base_url,
                report.auth_source
            ));
            ui.data(&platforms::render_requests(&report.requests))?;
        }
        if let Some(e) = target.missing_auth() {
            let e = Error::from(e);
            ui.warn(format!(
                "a real run would stop here: {}{}",
                e.message,
                e.hint.map(|h| format!(" ({h})")).unwrap_or_default()
            ));
        }
        return Ok(());
    }
    // Every secret of this run is known before the first request (and learnt during it), so that
    // no error text can show it, even echoed by the platform.
    let mut redactor = Redactor::of(cred.secret_values());
    for s in target.secrets() {
        redactor.add(&s);
    }
    let tick = ui.paint("✓", "32");
    let bar = std::cell::RefCell::new(None::<indicatif::ProgressBar>);
    let last_state = std::cell::RefCell::new(String::new());
    let mut progress = |p: Progress| match p {
        Progress::Done(line) => ui.info(format!("{tick} {line}")),
        Progress::Detail(line) => ui.info(format!("  {line}")),
        Progress::Warn(line) => ui.warn(line),
        Progress::Waiting { name, what, state } => {
            let mut bar = bar.borrow_mut();
            if bar.is_none() && ui.stderr_tty() {
                *bar = ui.spinner("{spinner} {msg} ({elapsed})");
                if let Some(b) = bar.as_ref() {
                    b.enable_steady_tick(Duration::from_millis(120));
                }
            }
            match bar.as_ref() {
                Some(b) => b.set_message(format!("Waiting for {what}: {state}")),
                None if *last_state.borrow() != state => ui.info(format!("  {name}: {state}")),
                None => {}
            }
            *last_state.borrow_mut() = state;
        }
        Progress::WaitOver => {
            if let Some(b) = bar.borrow_mut().take() {
                b.finish_and_clear();
            }
        }
    };
    let scrub = |e: platforms::Error, r: &Redactor| {
        let e = Error::from(e);
        Error { message: r.text(&e.message), hint: e.hint.map(|h| r.text(&h)), ..e }
    };
    let (report, failure) = match target.run(&cred, &mut redactor, &mut progress) {
        Ok(r) => r,
        Err(e) => return Err(scrub(e, &redactor)),
    };
    if ui.json() {
        let mut value = serde_json::to_value(&report).expect("reports serialize");
        value["warnings"] = serde_json::json!(warnings);
        ui.print_json(&value)?;
    }
    match failure {
        Some(e) => Err(scrub(e, &redactor)),
        None => Ok(()),
    }
}

/// The account TARGET names (without one, the only account whose provider `usable` accepts), its
/// stored record and its provider.
fn pick_account(
    ctx: &Ctx,
    target: Option<&str>,
    platform: &str,
    usable: impl Fn(&Provider) -> bool,
) -> Result<(Entry, Record, Provider)> {
    let entry = match target {
        Some(t) => credentials::find(ctx, t)?,
        None => {
            let idx = index::load(&ctx.config_dir)?;
            let catalog = ctx.catalog()?;
            let candidates: Vec<&Entry> = idx
                .accounts
                .iter()
                .filter(|e| catalog.get(&e.provider).ok().flatten().is_some_and(|p| usable(&p)))
                .collect();
            match candidates.as_slice() {
                [one] => (*one).clone(),
                [] => {
                    let hint = match platform {
                        "airbyte" => {
                            "connect one with the scopes Airbyte's Gmail connector reads mail with: \
                            oauthctl connect gmail --scope https://www.googleapis.com/auth/gmail.modify --scope https://www.googleapis.com/auth/gmail.compose"
                        }
                        _ => "connect one first: oauthctl connect gmail",
                    };
                    return Err(
                        Error::not_found(format!("no account to push to {platform} is connected")).with_hint(hint)
                    );
                }
                many => {
                    let keys: Vec<String> = many.iter().map(|e| e.key()).collect();
                    return Err(Error::usage(format!(
                        "{} accounts are connected ({}); name the one to push",
                        keys.len(),
                        keys.join(", ")
                    ))
                    .with_hint(format!("e.g. oauthctl push {platform} {}", keys[0])));
                }
            }
        }
    };
    let record = ctx.stores().load_existing(&entry)?;
    let provider = credentials::provider_of(ctx, &record)?;
    Ok((entry, record, provider))
}
