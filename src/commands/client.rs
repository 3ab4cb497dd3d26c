//! Which OAuth client to use (shared by `connect` and `import`). Client id: `--client-id`,
//! `--client-secrets-file`, `OAUTHCTL_CLIENT_ID`, the provider's `client_id`, then the one
//! remembered from an earlier connect of the provider. Secret: `--client-secret-stdin`,
//! `--client-secrets-file`, `OAUTHCTL_CLIENT_SECRET`, the remembered one (same client id), then a
//! hidden prompt on a terminal. Never from argv.

use std::path::Path;

use serde::Deserialize;

use super::Ctx;
use crate::cli::ClientArgs;
use crate::error::{Error, Result};
use crate::oauth::client::Client;
use crate::providers::{Provider, TokenAuth};
use crate::secret::Secret;
use crate::store::index::Index;

/// Google's downloaded client file: one top-level key, `installed` or `web`.
#[derive(Deserialize)]
struct GoogleFile {
    installed: Option<GoogleClient>,
    web: Option<GoogleClient>,
}

#[derive(Deserialize)]
struct GoogleClient {
    client_id: String,
    client_secret: Option<String>,
    #[serde(default)]
    redirect_uris: Vec<String>,
}

pub struct SecretsFile {
    pub client_id: String,
    pub client_secret: Option<Secret>,
    pub web: bool,
    pub redirect_uris: Vec<String>,
}

pub fn read_secrets_file(path: &Path) -> Result<SecretsFile> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::usage(format!("cannot read --client-secrets-file {}: {e}", path.display())))?;
    let parsed: GoogleFile = serde_json::from_str(&text).map_err(|e| {
        Error::usage(format!("{} is not a Google client file: {e}", path.display())).with_hint(
            "download it from Google Cloud console → APIs & Services → Credentials → your OAuth client → Download JSON",
        )
    })?;
    let (c, web) = match (parsed.installed, parsed.web) {
        (Some(c), _) => (c, false),
        (None, Some(c)) => (c, true),
        (None, None) => {
            return Err(Error::usage(format!("{} has neither an `installed` nor a `web` client", path.display())));
        }
    };
    Ok(SecretsFile {
        client_id: c.client_id,
        client_secret: c.client_secret.filter(|s| !s.is_empty()).map(Secret::new),
        web,
        redirect_uris: c.redirect_uris,
    })
}

/// Reads one line from stdin as a secret (trailing newline removed).
pub fn read_stdin_secret(what: &str, flag: &str) -> Result<Secret> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Error::usage(format!("reading the {what} from stdin ({flag}): {e}")))?;
    let value = line.trim_end_matches(['\r', '\n']).trim();
    if value.is_empty() {
        return Err(Error::usage(format!("{flag} was given but stdin held no {what}")));
    }
    Ok(Secret::new(value))
}

fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

pub fn resolve(
    ctx: &Ctx,
    provider: &Provider,
    args: &ClientArgs,
    file: Option<&SecretsFile>,
    index: &Index,
) -> Result<Client> {
    let remembered = index.accounts.iter().filter(|e| e.provider == provider.name).max_by_key(|e| e.updated_at);
    let id = args
        .client_id
        .clone()
        .or_else(|| file.map(|f| f.client_id.clone()))
        .or_else(|| env_value("OAUTHCTL_CLIENT_ID"))
        .or_else(|| provider.client_id.clone())
        .or_else(|| remembered.map(|e| e.client_id.clone()));
    let Some(id) = id else {
        let mut hint = String::from(
            "pass --client-id ID, set OAUTHCTL_CLIENT_ID, use --client-secrets-file FILE, or set client_id in providers.toml",
        );
        if provider.is_google() {
            hint.push_str(
                "; create a Desktop-app OAuth client in Google Cloud console → APIs & Services → Credentials",
            );
        }
        return Err(Error::usage(format!("no OAuth client id for {}", provider.name)).with_hint(hint));
    };

    let mut secret = None;
    if args.client_secret_stdin {
        secret = Some(read_stdin_secret("client secret", "--client-secret-stdin")?);
    }
    if secret.is_none() {
        secret = file.and_then(|f| f.client_secret.clone());
    }
    if secret.is_none() {
        secret = env_value("OAUTHCTL_CLIENT_SECRET").map(Secret::new);
    }
    if secret.is_none()
        && let Some(e) = remembered.filter(|e| e.client_id == id)
    {
        // The same client connected before: its secret is in that record.
        secret = ctx.stores().load(e.store, &e.key())?.and_then(|r| r.client_secret);
        if secret.is_some() {
            crate::output::trace(format!("client secret: remembered from {}", e.key()));
        }
    }
    if secret.is_none() && provider.token_auth != TokenAuth::None {
        if ctx.ui.interactive {
            let answer = dialoguer::Password::new()
                .with_prompt(format!("Client secret for {id} (empty for a public client)"))
                .allow_empty_password(true)
                .interact()
                .map_err(|e| Error::other(format!("reading the client secret: {e}")))?;
            if !answer.is_empty() {
                secret = Some(Secret::new(answer));
            }
        } else {
            return Err(Error::usage(format!("no client secret for {id}, and no terminal to ask on"))
                .with_hint("set OAUTHCTL_CLIENT_SECRET, pipe it with --client-secret-stdin, or use --client-secrets-file; a public client needs token_auth = \"none\" in providers.toml"));
        }
    }
    Ok(Client { id, secret, auth: provider.token_auth })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_installed_and_web_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.json");
        std::fs::write(
            &p,
            r#"{"installed":{"client_id":"id1","client_secret":"s1","redirect_uris":["http://localhost"]}}"#,
        )
        .unwrap();
        let f = read_secrets_file(&p).unwrap();
        assert_eq!((f.client_id.as_str(), f.client_secret.unwrap().expose(), f.web), ("id1", "s1", false));
        std::fs::write(
            &p,
            r#"{"web":{"client_id":"id2","client_secret":"s2","redirect_uris":["http://127.0.0.1:8765/cb"]}}"#,
        )
        .unwrap();
        let f = read_secrets_file(&p).unwrap();
        assert!(f.web && f.redirect_uris[0].ends_with("/cb"));
        std::fs::write(&p, r#"{"other":{}}"#).unwrap();
        assert_eq!(read_secrets_file(&p).err().unwrap().kind, crate::error::Kind::Usage);
    }
}
