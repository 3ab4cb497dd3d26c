//! `oauthctl providers [NAME]`: the catalog, built-in and from providers.toml; one provider in full,
//! with its setup notes.

use crate::cli::{CatalogSource, ProvidersArgs};
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::providers::{self, Provider, Source};

fn source(p: &Provider) -> &'static str {
    match p.source {
        Source::Builtin => "built-in",
        Source::Overridden => "built-in, overridden",
        Source::User => "providers.toml",
        Source::Discovered => "discovered",
    }
}

pub fn run(ctx: &Ctx, args: &ProvidersArgs) -> Result<()> {
    let ui = &ctx.ui;
    if let Some(CatalogSource::Bluenexus) = args.from {
        let base = crate::platforms::bluenexus::base_url(&ctx.env)?;
        let list = crate::platforms::bluenexus::providers(ctx.http(), &base)?;
        if ui.json() {
            let items: Vec<serde_json::Value> =
                list.iter().map(|(id, name)| serde_json::json!({"id": id, "name": name})).collect();
            return ui.print_json(&items);
        }
        let mut out = format!("{:<28} NAME\n", "ID (connect ID --via bluenexus)");
        for (id, name) in &list {
            out.push_str(&format!("{id:<28} {name}\n"));
        }
        return ui.data(&out);
    }
    let catalog = ctx.catalog()?;
    let Some(name) = &args.name else {
        let list = catalog.all()?;
        if ui.json() {
            let values: Vec<serde_json::Value> =
                list.iter().map(|p| serde_json::to_value(p).expect("providers serialize")).collect();
            return ui.print_json(&values);
        }
        let mut out = format!("{:<16} {:<22} {:<6} {}\n", "NAME", "DISPLAY NAME", "DEVICE", "WHAT IT IS FOR");
        for p in &list {
            let device = if p.device_authorization_url.is_some() { "yes" } else { "-" };
            let what = if p.description.is_empty() { format!("({})", source(p)) } else { p.description.clone() };
            let tag = if matches!(p.source, Source::Builtin) { String::new() } else { format!("  [{}]", source(p)) };
            out.push_str(&format!("{:<16} {:<22} {:<6} {what}{tag}\n", p.name, p.display_name, device));
        }
        return ui.data(&out);
    };
    let p = match catalog.get(name)? {
        Some(p) => p,
        None => {
            return Err(providers::ResolveError::Unknown {
                name: name.clone(),
                suggestion: providers::did_you_mean(name, catalog.names().iter().map(String::as_str))
                    .map(str::to_string),
            }
            .into());
        }
    };
    let value = serde_json::to_value(&p).map_err(|e| Error::other(e.to_string()))?;
    if ui.json() {
        return ui.print_json(&value);
    }
    let mut out = format!("{} ({}, {})\n", p.display_name, p.name, source(&p));
    if !p.description.is_empty() {
        out.push_str(&format!("{}\n", p.description));
    }
    out.push('\n');
    // Every field, as providers.toml would set it: copy a line to override it.
    let toml_text = toml::to_string(&value).map_err(|e| Error::other(format!("showing {name}: {e}")))?;
    for line in toml_text.lines().filter(|l| !l.starts_with("name =") && !l.starts_with("source =")) {
        if !line.starts_with("setup =") && !line.starts_with("description =") {
            out.push_str(&format!("  {line}\n"));
        }
    }
    let redirect = format!("{}://{}:{}{}", p.redirect_scheme, p.redirect_host, p.redirect_port, p.redirect_path);
    out.push_str(&format!("\nDefault redirect URI: {redirect} (--port and --redirect-uri change it)\n"));
    if !p.setup.is_empty() {
        out.push_str(&format!("\nSetup:\n  {}\n", p.setup.replace('\n', "\n  ")));
    }
    if let Some(d) = &p.docs {
        out.push_str(&format!("\nDocs: {d}\n"));
    }
    ui.data(&out)
}
