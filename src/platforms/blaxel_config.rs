//! The Blaxel CLI's own login file, `~/.blaxel/config.yaml`, read (never written) so that a person
//! who ran `bl login` needs nothing else. Only the fields Blaxel's CLI documents are read; the rest
//! of the file is ignored, and so are credentials of other workspaces.
//!
//! ```yaml
//! context: {workspace: acme}
//! workspaces:
//!   - name: acme
//!     env: prod                       # optional: prod | dev
//!     credentials:
//!       apiKey: …                     # or
//!       client_credentials: …         # (also spelled clientCredentials) base64 id:secret, or
//!       access_token: …               # from `bl login` (device flow); may be stale
//!       refresh_token: …
//! ```
//!
//! Parsed with `yaml-rust2` (no default features): pure safe Rust with no C library and no serde
//! layer, which a file of five interesting fields does not need; it is kept up to date, unlike
//! the archived `serde_yaml`.

use std::path::{Path, PathBuf};

use yaml_rust2::{Yaml, YamlLoader};

use super::{Error, Result};
use crate::env::Env;
use crate::secret::Secret;

/// A workspace's saved credentials, in the order they are preferred: a long-lived key first, a
/// possibly stale login token last.
pub enum SavedCredentials {
    ApiKey(Secret),
    /// base64 of `client_id:client_secret`, exchanged like `BL_CLIENT_CREDENTIALS`.
    ClientCredentials(Secret),
    AccessToken(Secret),
}

impl SavedCredentials {
    pub fn field(&self) -> &'static str {
        match self {
            SavedCredentials::ApiKey(_) => "apiKey",
            SavedCredentials::ClientCredentials(_) => "client_credentials",
            SavedCredentials::AccessToken(_) => "access_token",
        }
    }
}

pub struct Workspace {
    pub name: String,
    pub env: Option<String>,
    pub credentials: Option<SavedCredentials>,
}

pub struct CliConfig {
    pub current_workspace: Option<String>,
    pub workspaces: Vec<Workspace>,
}

impl CliConfig {
    pub fn workspace(&self, name: &str) -> Option<&Workspace> {
        self.workspaces.iter().find(|w| w.name == name)
    }
}

/// `$HOME/.blaxel/config.yaml` (the platform's home directory when HOME is unset).
pub fn default_path(env: &Env) -> Option<PathBuf> {
    Some(env.home()?.join(".blaxel").join("config.yaml"))
}

/// Reads the file; `None` when it does not exist. A file that is not YAML is a configuration
/// error naming it.
pub fn load(path: &Path) -> Result<Option<CliConfig>> {
    let bytes = crate::fsutil::read_regular(path, 1024 * 1024).map_err(|e| {
        Error::settings(e.to_string(), "log in again with the Blaxel CLI (`bl login WORKSPACE`), or set BL_API_KEY")
    })?;
    match bytes {
        None => Ok(None),
        Some(b) => parse(&String::from_utf8_lossy(&b), path).map(Some),
    }
}

fn parse(text: &str, path: &Path) -> Result<CliConfig> {
    let docs = YamlLoader::load_from_str(text).map_err(|e| {
        Error::settings(
            format!("{} is not valid YAML ({e})", path.display()),
            "log in again with the Blaxel CLI (`bl login WORKSPACE`), or set BL_API_KEY and BL_WORKSPACE",
        )
    })?;
    let doc = docs.into_iter().next().unwrap_or(Yaml::Null);
    let text_of = |y: &Yaml| y.as_str().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let secret_of = |y: &Yaml| text_of(y).map(Secret::new);
    let workspaces = doc["workspaces"]
        .as_vec()
        .map(|list| {
            list.iter()
                .filter_map(|w| {
                    let creds = &w["credentials"];
                    let credentials = secret_of(&creds["apiKey"])
                        .map(SavedCredentials::ApiKey)
                        .or_else(|| {
                            secret_of(&creds["client_credentials"])
                                .or_else(|| secret_of(&creds["clientCredentials"]))
                                .map(SavedCredentials::ClientCredentials)
                        })
                        .or_else(|| secret_of(&creds["access_token"]).map(SavedCredentials::AccessToken));
                    Some(Workspace { name: text_of(&w["name"])?, env: text_of(&w["env"]), credentials })
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(CliConfig { current_workspace: text_of(&doc["context"]["workspace"]), workspaces })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> CliConfig {
        parse(text, Path::new("/h/.blaxel/config.yaml")).unwrap()
    }

    #[test]
    fn reads_context_and_each_credential_kind() {
        let c = parsed(
            "context:\n  workspace: acme\n  environment: prod\nworkspaces:\n\
             - name: acme\n  env: dev\n  credentials:\n    apiKey: key-1\n    access_token: ignored\n\
             - name: beta\n  credentials:\n    clientCredentials: Y2lkOnNlYw==\n\
             - name: gamma\n  credentials:\n    access_token: at-1\n    refresh_token: rt-1\n    expires_in: 900\n\
             - name: delta\n  credentials: {}\n\
             - id: no-name\n",
        );
        assert_eq!(c.current_workspace.as_deref(), Some("acme"));
        assert_eq!(c.workspaces.len(), 4, "an entry without a name is skipped");
        let acme = c.workspace("acme").unwrap();
        assert_eq!(acme.env.as_deref(), Some("dev"));
        assert!(matches!(&acme.credentials, Some(SavedCredentials::ApiKey(k)) if k.expose() == "key-1"));
        assert!(matches!(&c.workspace("beta").unwrap().credentials, Some(SavedCredentials::ClientCredentials(_))));
        assert!(
            matches!(&c.workspace("gamma").unwrap().credentials, Some(SavedCredentials::AccessToken(t)) if t.expose() == "at-1")
        );
        assert!(c.workspace("delta").unwrap().credentials.is_none());
        assert!(c.workspace("nope").is_none());
    }

    #[test]
    fn empty_or_odd_files_yield_nothing_rather_than_an_error() {
        for text in ["", "---\n", "workspaces: 3\ncontext: []\n", "just a string"] {
            let c = parsed(text);
            assert!(c.current_workspace.is_none() && c.workspaces.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn broken_yaml_names_the_file() {
        let e = parse("context: [unclosed\n", Path::new("/h/.blaxel/config.yaml")).err().unwrap();
        assert!(matches!(&e, Error::Settings { message, .. } if message.contains("/h/.blaxel/config.yaml")), "{e}");
    }
}
