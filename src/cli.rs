//! The command line, defined once: help, completions and the README's command list all come from
//! these types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "oauthctl",
    version,
    about = "Connect accounts at OAuth providers to the programs that need them",
    long_about = "Connect accounts at OAuth providers to the programs that need them.\n\n\
        `oauthctl connect gmail` runs the browser sign-in on a loopback callback (PKCE), keeps the \
        credential in the OS keyring, and later commands hand fresh tokens to scripts.",
    after_help = "TARGET is PROVIDER[:ACCOUNT]; PROVIDER alone names its only account.\n\
        Exit codes: 0 ok, 1 other, 2 usage, 3 no such provider/account, 4 re-authorization needed, \
        5 browser timeout, 6 denied, 7 remote service failed, 8 credential store unavailable, 130 interrupted."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Print machine-readable JSON on stdout
    #[arg(long, global = true)]
    pub json: bool,
    /// Where credentials are kept [default: keyring]
    #[arg(long, global = true, env = "OAUTHCTL_STORE", value_name = "STORE")]
    pub store: Option<StoreKind>,
    /// Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)
    #[arg(long, global = true)]
    pub no_input: bool,
    /// Trace HTTP requests on stderr (secrets redacted)
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print only errors on stderr
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    /// The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)
    Keyring,
    /// One 0600 JSON file in the config directory
    File,
}

impl StoreKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StoreKind::Keyring => "keyring",
            StoreKind::File => "file",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign in at a provider in the browser and store the credential
    Connect(ConnectArgs),
    /// List accounts, scopes, expiry and store (reads no secrets)
    Status(StatusArgs),
    /// Print a valid access token (refreshed first when it expires soon)
    Token(TokenArgs),
    /// Refresh one credential, or every one that needs it
    Refresh(RefreshArgs),
    /// Run a command with a fresh access token in its environment
    Exec(ExecArgs),
    /// Store a refresh token you already hold (read from stdin), validated by one refresh
    Import(ImportArgs),
    /// Revoke a credential at the provider and forget it locally
    Logout(LogoutArgs),
    /// Show the provider catalog (built-in and providers.toml)
    Providers(ProvidersArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct ClientArgs {
    /// OAuth client id [env: OAUTHCTL_CLIENT_ID]
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Read the OAuth client secret from stdin (first line)
    #[arg(long)]
    pub client_secret_stdin: bool,
    /// Google's downloaded client JSON (`installed` or `web`) holding client id and secret
    #[arg(long, value_name = "PATH")]
    pub client_secrets_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// Provider name from `oauthctl providers`
    pub provider: String,
    /// Account name to store under [default: the email the provider reports]
    #[arg(long, value_name = "NAME")]
    pub account: Option<String>,
    #[command(flatten)]
    pub client: ClientArgs,
    /// Extra scope to request (repeatable; space- or comma-separated lists work too)
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    /// Loopback port for the callback; 0 picks a free one [default: 8080]
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// Exact redirect URI to send (a Web-type client, a tunnel); the listener stays on loopback
    #[arg(long, value_name = "URI")]
    pub redirect_uri: Option<String>,
    /// Print the authorization URL but do not open a browser
    #[arg(long)]
    pub no_browser: bool,
    /// Seconds to wait for the browser step
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub timeout: u64,
    /// Accept the redirected URL pasted on stdin even when stdin is not a terminal
    #[arg(long)]
    pub paste: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// PROVIDER[:ACCOUNT]; all accounts when omitted
    pub target: Option<String>,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    /// PROVIDER[:ACCOUNT]
    pub target: String,
    /// Refresh first when the token expires within this many seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub min_valid: u64,
}

#[derive(Debug, Args)]
pub struct RefreshArgs {
    /// PROVIDER[:ACCOUNT]; every account when omitted
    pub target: Option<String>,
    /// Refresh even when the token is still valid
    #[arg(long)]
    pub force: bool,
    /// Refresh tokens that expire within this many seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub min_valid: u64,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// PROVIDER[:ACCOUNT]
    pub target: String,
    /// Environment variable that receives the access token
    #[arg(long = "env", value_name = "NAME", default_value = "OAUTHCTL_ACCESS_TOKEN")]
    pub env_name: String,
    /// The token handed over stays valid for at least this many seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub min_valid: u64,
    /// The command and its arguments (after `--`)
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<std::ffi::OsString>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Provider name from `oauthctl providers`
    pub provider: String,
    /// Account name to store under [default: the email the provider reports]
    #[arg(long, value_name = "NAME")]
    pub account: Option<String>,
    /// Read the refresh token from stdin (first line)
    #[arg(long)]
    pub refresh_token_stdin: bool,
    /// Scopes the refresh token was granted, when the provider does not say (repeatable)
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    #[command(flatten)]
    pub client: ClientArgs,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// PROVIDER[:ACCOUNT]
    pub target: String,
    /// Forget the credential without revoking it at the provider
    #[arg(long)]
    pub local_only: bool,
}

#[derive(Debug, Args)]
pub struct ProvidersArgs {
    /// Show one provider in full
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate for
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
