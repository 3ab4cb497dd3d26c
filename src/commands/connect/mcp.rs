//! `oauthctl connect https://…/mcp`: an OAuth-protected MCP server as a provider. Discovery as
//! the MCP authorization spec requires (protected-resource metadata, then the authorization
//! server's metadata), registration in the spec's order (a client id given, a Client ID Metadata
//! Document, dynamic registration kept per issuer), PKCE S256 and the `resource` indicator; then
//! the loopback flow and finish step every provider shares. The discovered provider is kept with
//! the credential, so `token`, `refresh`, `logout` and `mcp proxy` need no discovery.

use std::collections::BTreeMap;

use super::{client, finish, loopback};
use crate::cli::ConnectArgs;
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::mcp::discovery::{self as mcp_discovery, Challenge};
use crate::mcp::registration;
use crate::oauth::client::Client;
use crate::providers::discovery::{self, Metadata};
use crate::providers::{self, Provider, Source, TokenAuth};
use crate::store::index;

/// Whether `arg` is a URL rather than a provider name.
pub fn is_url(arg: &str) -> bool {
    arg.starts_with("https://") || arg.starts_with("http://")
}

/// The MCP URL of an earlier `connect URL` that named its provider `name`.
pub fn known_url(ctx: &Ctx, name: &str) -> Option<String> {
    let idx = index::load(&ctx.config_dir).ok()?;
    idx.accounts.iter().filter(|e| e.provider == name).find_map(|e| {
        let record = ctx.stores().load(e.store, &e.key()).ok()??;
        let p = crate::credentials::provider_of(ctx, &record).ok()?;
        p.mcp_url
    })
}

pub fn run(ctx: &Ctx, args: &ConnectArgs, url: &str) -> Result<()> {
    let ui = &ctx.ui;
    providers::check_endpoint(url).map_err(|why| {
        Error::usage(format!("{url:?} {why}"))
            .with_hint("an MCP server is reached over https (plain http only on loopback)")
    })?;
    let name = match &args.name {
        Some(n) => n.clone(),
        None if is_url(&args.provider) => mcp_discovery::default_name(url),
        None => args.provider.clone(),
    };
    if !providers::valid_name(&name) {
        return Err(Error::usage(format!("--name {name:?} is not a provider name"))
            .with_hint("names take lowercase letters, digits and '-'"));
    }
    if ctx.catalog()?.get(&name)?.is_some() {
        return Err(Error::usage(format!("{name} is already a provider in the catalog"))
            .with_hint("pick another name for this MCP server with --name"));
    }
    if let Some(a) = &args.account {
        crate::credentials::check_account_name(a)?;
    }
    let store_kind = ctx.store_for_new();
    ctx.stores().probe(store_kind).map_err(|e| super::store_error(e, store_kind))?;
    ui.info(format!("MCP server {url} (provider name: {name})"));

    let http = ctx.http();
    let challenge = mcp_discovery::probe(http, url).map_err(discovery_error)?;
    let res = mcp_discovery::resource(http, url, challenge.as_ref()).map_err(discovery_error)?;
    let meta = match (discovery::discover(http, &res.authorization_server), &res.metadata_url) {
        (Ok(m), _) => m,
        // 2025-03-26: without any metadata the server's own origin serves the default endpoints.
        (Err(discovery::Error::NotFound { .. }), None) => default_metadata(&res.authorization_server),
        (Err(e), _) => return Err(providers::ResolveError::Discovery { name: name.clone(), source: e }.into()),
    };
    if res.metadata_url.is_none() {
        ui.warn(format!(
            "{url} publishes no protected-resource metadata (RFC 9728): {} is taken as its authorization server, as the 2025-03-26 spec did",
            res.authorization_server
        ));
    }
    match &meta.code_challenge_methods_supported {
        Some(m) if !m.iter().any(|x| x == "S256") => {
            return Err(Error::remote(format!(
                "{} does not support PKCE S256 (it lists {}); oauthctl does not connect without it",
                meta.issuer,
                m.join(", ")
            )));
        }
        None if args.strict => {
            return Err(Error::remote(format!(
                "{} does not say it supports PKCE S256 (no code_challenge_methods_supported), and --strict refuses that",
                meta.issuer
            )));
        }
        None => ui.warn(format!(
            "{} does not list code_challenge_methods_supported; oauthctl sends PKCE S256 anyway (--strict refuses such servers)",
            meta.issuer
        )),
        Some(_) => {}
    }
    let scopes = scopes(ctx, &name, challenge.as_ref(), &res, &meta, &args.scopes);
    let token_url = meta
        .token_endpoint
        .clone()
        .ok_or_else(|| Error::remote(format!("the metadata of {} names no token endpoint", meta.issuer)))?;

    // Registration, in the spec's order.
    let (client, port, from) = if args.client.client_id.is_some() {
        let stub = provider(&name, url, &res, &meta, &scopes, TokenAuth::ClientSecretBasic, 0);
        let idx = index::load(&ctx.config_dir)?;
        let mut resolved = client::resolve(ctx, &stub, &args.client, None, &idx)?;
        resolved.client.auth = registration::auth_method(
            resolved.client.secret.is_some(),
            meta.token_endpoint_auth_methods_supported.as_deref(),
        );
        let port = args.port.unwrap_or_else(|| mcp_discovery::stable_port(url));
        (resolved, port, "the client id given".to_string())
    } else if let Some(cimd) = &args.client_metadata_url {
        if !meta.client_id_metadata_document_supported {
            return Err(Error::usage(format!("{} does not accept Client ID Metadata Documents", meta.issuer))
                .with_hint("leave out --client-metadata-url to register dynamically, or pass --client-id"));
        }
        providers::check_endpoint(cimd).map_err(|why| Error::usage(format!("--client-metadata-url {cimd:?} {why}")))?;
        let client = Client { id: cimd.clone(), secret: None, auth: TokenAuth::None };
        let resolved = client::Resolved { client, id_from: "--client-metadata-url".into(), secret_from: None };
        (resolved, args.port.unwrap_or_else(|| mcp_discovery::stable_port(url)), "its client metadata document".into())
    } else {
        let reg = super::register::registration(
            ctx,
            &meta.issuer,
            meta.registration_endpoint.as_deref(),
            &token_url,
            Some(&res.resource),
            args.port,
            url,
        )?;
        let port = reg.port().unwrap_or(0);
        let client = Client { id: reg.client_id.clone(), secret: reg.client_secret.clone(), auth: reg.token_auth };
        let resolved = client::Resolved {
            client,
            id_from: format!("the registration at {}", meta.issuer),
            secret_from: reg.client_secret.as_ref().map(|_| "the registration".to_string()),
        };
        (resolved, port, format!("registration {}", reg.client_id))
    };
    ctx.ui.trace(format!("client: {from}"));
    let provider = provider(&name, url, &res, &meta, &scopes, client.client.auth, port);
    let args = ConnectArgs { port: None, ..args.clone() };
    let values = BTreeMap::new();
    let obtained = loopback::obtain(ctx, &provider, &client, &values, &scopes, &args, None)?;
    finish(ctx, &provider, &client, obtained, &args, &scopes, store_kind, &values)
}

fn discovery_error(e: mcp_discovery::Error) -> Error {
    match e {
        mcp_discovery::Error::Transport(t) => t.into(),
        mcp_discovery::Error::NotProtected { .. } => {
            Error::usage(e.to_string()).with_hint("use the server without oauthctl: it asked for no token")
        }
        mcp_discovery::Error::BadUrl { .. } => Error::usage(e.to_string()),
        _ => Error::remote(e.to_string()),
    }
}

/// The 2025-03-26 default endpoints at the server's origin.
fn default_metadata(origin: &str) -> Metadata {
    Metadata {
        issuer: origin.to_string(),
        authorization_endpoint: Some(format!("{origin}/authorize")),
        token_endpoint: Some(format!("{origin}/token")),
        registration_endpoint: Some(format!("{origin}/register")),
        ..Metadata::default()
    }
}

/// Scopes in the spec's order: the challenge's, else all the server's; `offline_access` only when
/// the authorization server lists it; plus those asked for with --scope and those granted before
/// (a re-authorization keeps what it had).
fn scopes(
    ctx: &Ctx,
    name: &str,
    challenge: Option<&Challenge>,
    res: &mcp_discovery::Resource,
    meta: &Metadata,
    extra: &[String],
) -> Vec<String> {
    let mut base: Vec<String> = match challenge.and_then(|c| c.scope.clone()) {
        Some(s) => s.split_whitespace().map(str::to_string).collect(),
        None => res.scopes_supported.clone().unwrap_or_default(),
    };
    if meta.scopes_supported.as_ref().is_some_and(|s| s.iter().any(|x| x == "offline_access")) {
        base.push("offline_access".into());
    }
    let before: Vec<String> = index::load(&ctx.config_dir)
        .map(|i| i.accounts.iter().filter(|e| e.provider == name).flat_map(|e| e.scopes.clone()).collect())
        .unwrap_or_default();
    base.extend(before);
    crate::oauth::authorize::merge_scopes(&base, extra)
}

/// The discovered provider, through the one schema (defaults and validation included).
fn provider(
    name: &str,
    url: &str,
    res: &mcp_discovery::Resource,
    meta: &Metadata,
    scopes: &[String],
    auth: TokenAuth,
    port: u16,
) -> Provider {
    let host = url::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_else(|| name.into());
    let mut t = toml::Table::new();
    let mut set = |k: &str, v: toml::Value| {
        t.insert(k.to_string(), v);
    };
    set("display_name", format!("MCP server {host}").into());
    set("description", format!("The MCP server at {url}").into());
    set("mcp_url", url.into());
    set("resource", res.resource.clone().into());
    set("issuer", meta.issuer.clone().into());
    set("iss_parameter", meta.authorization_response_iss_parameter_supported.into());
    set("authorization_url", meta.authorization_endpoint.clone().unwrap_or_default().into());
    set("token_url", meta.token_endpoint.clone().unwrap_or_default().into());
    if let Some(r) = &meta.revocation_endpoint {
        set("revocation_url", r.clone().into());
    }
    if let Some(u) = &meta.userinfo_endpoint {
        set("userinfo_url", u.clone().into());
    }
    set("token_auth", auth.as_str().into());
    set("scopes", toml::Value::Array(scopes.iter().map(|s| s.clone().into()).collect()));
    set("redirect_port", i64::from(port).into());
    let mut p = providers::from_table(t).expect("a discovered provider is a valid entry");
    p.name = name.to_string();
    p.source = Source::Discovered;
    p
}
