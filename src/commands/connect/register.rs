//! Dynamic client registration (RFC 7591) as connect uses it, for MCP servers and for providers
//! whose entry or metadata names a registration endpoint (BlueNexus): the registration kept for
//! the issuer is reused when its redirect port can be listened on and the server still knows it;
//! otherwise oauthctl registers anew and keeps the registration (in the store) before the browser
//! opens, so a failed sign-in does not cost another one.

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::mcp::discovery::stable_port;
use crate::mcp::registration::{self, Registration};

/// The registration to use at `issuer`. `port` is `--port`; `seed` picks a stable default port.
pub fn registration(
    ctx: &Ctx,
    issuer: &str,
    endpoint: Option<&str>,
    token_url: &str,
    resource: Option<&str>,
    port: Option<u16>,
    seed: &str,
) -> Result<Registration> {
    let stores = ctx.stores();
    if let Some(reg) = stores.load_registration(issuer)? {
        let kept = reg.port().unwrap_or(0);
        let port_ok = matches!(port, None | Some(0)) || port == Some(kept);
        let free = std::net::TcpListener::bind(("127.0.0.1", kept)).is_ok();
        if port_ok && free {
            match registration::still_known(ctx.http(), token_url, &reg, resource) {
                Ok(true) => {
                    ctx.ui.info(format!("Using the client registered at {issuer} before ({}).", reg.client_id));
                    return Ok(reg);
                }
                Ok(false) => {
                    ctx.ui.warn(format!("{issuer} no longer knows client {}: registering again", reg.client_id));
                    stores.forget_registration(issuer)?;
                }
                Err(e) => return Err(Error::remote(e.to_string())),
            }
        } else if !free {
            ctx.ui.info(format!("Port {kept} of the earlier registration is busy: registering again."));
        }
    }
    let endpoint = endpoint.ok_or_else(|| {
        Error::usage(format!("{issuer} offers no dynamic client registration")).with_hint(
            "register a client for oauthctl at the server (redirect URI http://127.0.0.1:PORT/callback) and pass --client-id (and --port PORT)",
        )
    })?;
    let wanted = match port {
        Some(p) if p != 0 => p,
        _ => stable_port(seed),
    };
    let port = if std::net::TcpListener::bind(("127.0.0.1", wanted)).is_ok() {
        wanted
    } else {
        std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(wanted)
    };
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let reg = registration::register(ctx.http(), endpoint, issuer, &redirect)
        .map_err(|e| Error::remote(format!("registering oauthctl at {issuer}: {e}")))?;
    ctx.ui.info(format!("Registered oauthctl at {issuer} (client {}).", reg.client_id));
    stores.save_registration(ctx.store_for_new(), &reg)?;
    Ok(reg)
}
