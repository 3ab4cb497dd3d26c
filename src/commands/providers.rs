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
        let width =
            |head: &str, f: &dyn Fn(&Provider) -> usize| list.iter().map(f).chain([head.len()]).max().unwrap_or(0);
        let w_name = width("NAME", &|p| p.name.chars().count());
        let w_display = width("DISPLAY NAME", &|p| p.display_name.chars().count());
        let mut out =
            format!("{:<w_name$}  {:<w_display$}  {:<6}  {}\n", "NAME", "DISPLAY NAME", "DEVICE", "WHAT IT IS FOR");
        for p in &list {
            let device = if p.device_authorization_url.is_some() { "yes" } else { "-" };
            let what = if p.description.is_empty() { format!("({})", source(p)) } else { p.description.clone() };
            let tag = if matches!(p.source, Source::Builtin) { String::new() } else { format!("  [{}]", source(p)) };
            out.push_str(&format!("{:<w_name$}  {:<w_display$}  {:<6}  {what}{tag}\n", p.name, p.display_name, device));
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
    // Every field, as providers.toml would set it: copy a line to override it. The prose fields
    // are shown below in full (a multi-line string would not survive a line filter).
    let mut fields = value.clone();
    if let Some(o) = fields.as_object_mut() {
        for k in ["name", "source", "setup", "description", "docs", "hints"] {
            o.remove(k);
        }
    }
    let toml_text = toml::to_string(&fields).map_err(|e| Error::other(format!("showing {name}: {e}")))?;
    for line in toml_text.lines() {
        out.push_str(&if line.is_empty() { "\n".to_string() } else { format!("  {line}\n") });
    }
    let redirect = format!("{}://{}:{}{}", p.redirect_scheme, p.redirect_host, p.redirect_port, p.redirect_path);
    out.push_str(&format!("\nDefault redirect URI: {redirect} (--port and --redirect-uri change it)\n"));
    if !p.setup.is_empty() {
        out.push_str(&format!("\nSetup:\n  {}\n", p.setup.replace('\n', "\n  ")));
    }
    if !p.hints.is_empty() {
        // Keyed by the error code they explain (shown with that error), or by topic: `redirect_uri`
        // is also shown when connect times out; the others are notes for this listing.
        out.push_str("\nKnown problems (hints):\n");
        for (k, h) in &p.hints {
            out.push_str(&format!("  {k}: {h}\n"));
        }
    }
    if let Some(d) = &p.docs {
        out.push_str(&format!("\nDocs: {d}\n"));
    }
    ui.data(&out)
}
