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
    /// Print only warnings and errors on stderr
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
    /// Hand a stored credential to a hosted agent platform (Blaxel, Airbyte)
    Push(PushArgs),
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
pub struct PushArgs {
    #[command(subcommand)]
    pub platform: PushTarget,
}

#[derive(Debug, Subcommand)]
pub enum PushTarget {
    /// Create a Blaxel integration connection and an MCP server bound to it (safe to re-run)
    #[command(after_help = "Credentials: BL_API_KEY, else BL_CLIENT_CREDENTIALS, else the Blaxel CLI's login \
        (~/.blaxel/config.yaml). Base URL: BL_API_URL, else BL_ENV (prod, dev).")]
    Blaxel(BlaxelArgs),
    /// Create an Airbyte Gmail connector (an existing one is replaced only with --replace)
    #[command(after_help = "Credentials: AIRBYTE_CLIENT_ID and AIRBYTE_CLIENT_SECRET (an Airbyte application); \
        optional AIRBYTE_ORGANIZATION_ID, AIRBYTE_API_URL.")]
    Airbyte(AirbyteArgs),
}

#[derive(Debug, Args)]
pub struct BlaxelArgs {
    /// PROVIDER[:ACCOUNT]; the only connected account when omitted
    pub target: Option<String>,
    /// Blaxel workspace [default: BL_WORKSPACE, else the Blaxel CLI's current workspace]
    #[arg(long, value_name = "NAME")]
    pub workspace: Option<String>,
    /// Integration connection name [default: PROVIDER-ACCOUNT, e.g. gmail-alice-example-com]
    #[arg(long, value_name = "NAME")]
    pub connection_name: Option<String>,
    /// MCP server name [default: the connection name]
    #[arg(long, value_name = "NAME")]
    pub function_name: Option<String>,
    /// Blaxel integration [default: from the provider: gmail, google-drive]
    #[arg(long, value_name = "NAME")]
    pub integration: Option<String>,
    /// Create or update only the connection, no MCP server
    #[arg(long, conflicts_with_all = ["function_name", "wait"])]
    pub no_function: bool,
    /// Wait until the MCP server is DEPLOYED (or FAILED)
    #[arg(long)]
    pub wait: bool,
    /// Seconds --wait waits at most
    #[arg(long, value_name = "SECONDS", default_value_t = 300, requires = "wait")]
    pub timeout: u64,
    /// Print the requests (secrets redacted) and send nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct AirbyteArgs {
    /// PROVIDER[:ACCOUNT] of a gmail account; the only gmail account when omitted
    pub target: Option<String>,
    /// Airbyte workspace (sent as customer_name and workspace_name) [default: the account]
    #[arg(long, value_name = "NAME")]
    pub workspace_name: Option<String>,
    /// Connector name [default: PROVIDER-ACCOUNT, e.g. gmail-alice-example-com]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Also sync Spam and Trash
    #[arg(long)]
    pub include_spam_and_trash: bool,
    /// Delete an existing connector of that name in the workspace, then create the new one
    #[arg(long)]
    pub replace: bool,
    /// Print the requests (secrets redacted) and send nothing
    #[arg(long)]
    pub dry_run: bool,
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
