//! Which OAuth client to use (shared by `connect` and `import`). Client id: `--client-id`,
//! `--client-secrets-file`, `OAUTHCTL_CLIENT_ID`, the provider's `client_id`, then the one
//! remembered from an earlier connect of the provider. Secret: `--client-secret-stdin`,
//! `--client-secrets-file`, `OAUTHCTL_CLIENT_SECRET`, the remembered one (same client id), then a
//! hidden prompt on a terminal. Never from argv. Where each came from is kept, for the hint when
//! the provider refuses the client.

use std::io::BufRead;
use std::path::Path;

use serde::Deserialize;

use crate::cli::ClientArgs;
use crate::context::Ctx;
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
    let bytes = crate::fsutil::read_regular(path, 1024 * 1024)
        .map_err(|e| Error::usage(format!("--client-secrets-file: {e}")))?
        .ok_or_else(|| Error::usage(format!("--client-secrets-file {} does not exist", path.display())))?;
    let parsed: GoogleFile = serde_json::from_slice(&bytes).map_err(|e| {
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

/// Reads one line from stdin as a secret (trailing newline removed, at most 64 KiB).
pub fn read_stdin_secret(what: &str, flag: &str) -> Result<Secret> {
    let mut line = String::new();
    std::io::Read::take(std::io::stdin().lock(), 64 * 1024)
        .read_line(&mut line)
        .map_err(|e| Error::usage(format!("reading the {what} from stdin ({flag}): {e}")))?;
    let value = line.trim_end_matches(['\r', '\n']).trim();
    if value.is_empty() {
        return Err(Error::usage(format!("{flag} was given but stdin held no {what}")));
    }
    Ok(Secret::new(value))
}

/// The client, and where its id and secret came from.
pub struct Resolved {
    pub client: Client,
    pub id_from: String,
    pub secret_from: Option<String>,
}

impl Resolved {
    /// The hint for a provider that refused this client (`invalid_client`).
    pub fn refused_hint(&self, provider: &str) -> String {
        let from = match &self.secret_from {
            Some(s) => format!("the secret came from {s}"),
            None => "no secret was sent (a public client)".into(),
        };
        format!(
            "check the OAuth client: its id came from {}, {from}; give another with --client-secrets-file FILE, \
             --client-secret-stdin (e.g. `pass show NAME | oauthctl connect {provider} --client-secret-stdin`) or an \
             exported OAUTHCTL_CLIENT_SECRET",
            self.id_from
        )
    }
}

/// Whether the person gave a client id of their own (flag, file, environment, the entry). A
/// client oauthctl registered itself is not one: its registration is kept apart.
pub fn has_own_client_id(
    ctx: &Ctx,
    provider: &Provider,
    args: &ClientArgs,
    file: Option<(&SecretsFile, &Path)>,
) -> bool {
    args.client_id.is_some()
        || file.is_some()
        || ctx.env.get("OAUTHCTL_CLIENT_ID").is_some()
        || provider.client_id.is_some()
}

pub fn resolve(
    ctx: &Ctx,
    provider: &Provider,
    args: &ClientArgs,
    file: Option<(&SecretsFile, &Path)>,
    index: &Index,
) -> Result<Resolved> {
    let remembered = index.accounts.iter().filter(|e| e.provider == provider.name).max_by_key(|e| e.updated_at);
    let file_label = |p: &Path| format!("--client-secrets-file {}", p.display());
    let id = args
        .client_id
        .clone()
        .map(|v| (v, "--client-id".to_string()))
        .or_else(|| file.map(|(f, p)| (f.client_id.clone(), file_label(p))))
        .or_else(|| ctx.env.get("OAUTHCTL_CLIENT_ID").map(|v| (v, "OAUTHCTL_CLIENT_ID".into())))
        .or_else(|| provider.client_id.clone().map(|v| (v, format!("client_id of [providers.{}]", provider.name))))
        .or_else(|| remembered.map(|e| (e.client_id.clone(), format!("the earlier connect of {}", e.key()))));
    let Some((id, id_from)) = id else {
        let mut hint = String::from(
            "pass --client-id ID, set OAUTHCTL_CLIENT_ID, use --client-secrets-file FILE, or set client_id in providers.toml",
        );
        if let Some(h) = provider.hint("client_id") {
            hint.push_str(&format!("; {h}"));
        }
        return Err(Error::usage(format!("no OAuth client id for {}", provider.name)).with_hint(hint));
    };

    let mut secret: Option<(Secret, String)> = None;
    if args.client_secret_stdin {
        secret = Some((read_stdin_secret("client secret", "--client-secret-stdin")?, "--client-secret-stdin".into()));
    }
    if secret.is_none() {
        secret = file.and_then(|(f, p)| f.client_secret.clone().map(|s| (s, file_label(p))));
    }
    if secret.is_none() {
        secret = ctx.env.get("OAUTHCTL_CLIENT_SECRET").map(|v| (Secret::new(v), "OAUTHCTL_CLIENT_SECRET".into()));
    }
    if secret.is_none()
        && let Some(e) = remembered.filter(|e| e.client_id == id)
    {
        // The same client connected before: its secret is in that record.
        if let Some(s) = ctx.stores().load(e.store, &e.key())?.and_then(|r| r.client_secret) {
            ctx.ui.trace(format!("client secret: remembered from {}", e.key()));
            secret = Some((s, format!("the credential of {} (remembered)", e.key())));
        }
    }
    if secret.is_none() && provider.token_auth != TokenAuth::None {
        if ctx.ui.interactive() {
            let answer = dialoguer::Password::new()
                .with_prompt(format!("Client secret for {id} (empty for a public client)"))
                .allow_empty_password(true)
                .interact()
                .map_err(|e| Error::other(format!("reading the client secret: {e}")))?;
            if !answer.is_empty() {
                secret = Some((Secret::new(answer), "the prompt".into()));
            }
        } else {
            return Err(Error::usage(format!("no client secret for {id}, and no terminal to ask on"))
                .with_hint("set OAUTHCTL_CLIENT_SECRET, pipe it with --client-secret-stdin, or use --client-secrets-file; a public client needs token_auth = \"none\" in providers.toml"));
        }
    }
    let (secret, secret_from) = match secret {
        Some((s, from)) => (Some(s), Some(from)),
        None => (None, None),
    };
    Ok(Resolved { client: Client { id, secret, auth: provider.token_auth }, id_from, secret_from })
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
        assert_eq!(read_secrets_file(&dir.path().join("absent")).err().unwrap().kind, crate::error::Kind::Usage);
    }
}
