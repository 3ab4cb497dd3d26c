//! `oauthctl providers [NAME]`: the catalog, built-in and from providers.toml.

use super::Ctx;
use crate::cli::ProvidersArgs;
use crate::error::Result;
use crate::providers::Provider;

pub fn run(ctx: &Ctx, args: &ProvidersArgs) -> Result<()> {
    let catalog = ctx.catalog()?;
    let list: Vec<&Provider> = match &args.name {
        Some(name) => vec![catalog.get(name)?],
        None => catalog.all().collect(),
    };
    if ctx.ui.json {
        return match args.name {
            Some(_) => ctx.ui.print_json(list[0]),
            None => ctx.ui.print_json(&list),
        };
    }
    let mut out = String::new();
    if args.name.is_none() {
        for p in &list {
            let source = match p.source {
                crate::providers::Source::Builtin => "built-in",
                crate::providers::Source::Overridden => "built-in, overridden",
                crate::providers::Source::User => "providers.toml",
            };
            out.push_str(&format!("{:<16} {:<16} {}  ({source})\n", p.name, p.display_name, p.scopes.join(" ")));
        }
    } else {
        let p = list[0];
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        let params: Vec<String> = p.authorization_params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        for (k, v) in [
            ("name", p.name.clone()),
            ("display_name", p.display_name.clone()),
            ("authorization_url", p.authorization_url.clone()),
            ("token_url", p.token_url.clone()),
            ("revocation_url", opt(&p.revocation_url)),
            ("userinfo_url", opt(&p.userinfo_url)),
            ("issuer", opt(&p.issuer)),
            ("scopes", p.scopes.join(" ")),
            ("client_id", opt(&p.client_id)),
            ("authorization_params", params.join(" ")),
            (
                "token_auth",
                serde_json::to_value(p.token_auth)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
            ),
            ("pkce", p.pkce.to_string()),
            ("scope_separator", format!("{:?}", p.scope_separator)),
            ("rotates_refresh_tokens", p.rotates_refresh_tokens.to_string()),
        ] {
            out.push_str(&format!("{k:<23} {v}\n"));
        }
    }
    crate::output::print_stdout(&out)
}
