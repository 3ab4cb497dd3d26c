//! The command line, defined once: help, completions and the README's command list all come from
//! these types.

use std::path::PathBuf;

use clap::{ArgMatches, Args, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::store::StoreKind;

#[derive(Debug, Parser)]
#[command(
    name = "oauthctl",
    version,
    about = "Connect accounts at OAuth providers to the programs that need them",
    long_about = "Connect accounts at OAuth providers to the programs that need them.\n\n\
        `oauthctl connect gmail` runs the browser sign-in on a loopback callback (PKCE), keeps the \
        credential in the OS keyring, and later commands hand fresh tokens to scripts.",
    after_help = crate::error::exit_codes_help()
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
    /// Where new credentials are kept [default: keyring]
    #[arg(long, global = true, env = "OAUTHCTL_STORE", value_name = "STORE")]
    pub store: Option<StoreArg>,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreArg {
    /// The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)
    Keyring,
    /// 0600 JSON files in the config directory
    File,
}

impl From<StoreArg> for StoreKind {
    fn from(s: StoreArg) -> Self {
        match s {
            StoreArg::Keyring => StoreKind::Keyring,
            StoreArg::File => StoreKind::File,
        }
    }
}

/// A subcommand's arguments, added to its `clap::Command` only when that subcommand is parsed
/// (or when help and completions expand the whole tree): `oauthctl token gmail` does not build
/// the other subcommands' arguments, which was a third of its start-up. Only for leaves: nested
/// subcommands must exist when clap builds its `help` subcommand's tree.
#[derive(Debug)]
pub struct Lazy<T>(pub T);

impl<T> std::ops::Deref for Lazy<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Args> Args for Lazy<T> {
    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.defer(T::augment_args)
    }
    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        cmd.defer(T::augment_args_for_update)
    }
}

impl<T: FromArgMatches> FromArgMatches for Lazy<T> {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(m).map(Lazy)
    }
    fn from_arg_matches_mut(m: &mut ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(m).map(Lazy)
    }
    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(m)
    }
    fn update_from_arg_matches_mut(&mut self, m: &mut ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(m)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign in at a provider in the browser and store the credential
    #[command(alias = "login", after_help = CONNECT_HELP)]
    Connect(Lazy<ConnectArgs>),
    /// List accounts, scopes, expiry and store (reads no secrets)
    #[command(after_help = "Examples:\n  oauthctl status\n  oauthctl status gmail --json")]
    Status(Lazy<StatusArgs>),
    /// Print a valid access token (refreshed first when it expires soon)
    #[command(after_help = TOKEN_HELP)]
    Token(Lazy<TokenArgs>),
    /// Refresh one credential, or every one that needs it
    #[command(after_help = "Examples:\n  oauthctl refresh\n  oauthctl refresh gmail --force\n  \
        */30 * * * * /home/you/.cargo/bin/oauthctl -q refresh    (cron: an absolute path; keyring accounts need \
        the session bus, see the README's \"A cron job\")")]
    Refresh(Lazy<RefreshArgs>),
    /// Run a command with a fresh access token in its environment
    #[command(after_help = EXEC_HELP)]
    Exec(Lazy<ExecArgs>),
    /// Store a refresh token you already hold (read from stdin), validated by one refresh
    #[command(
        after_help = "Examples:\n  printf '%s\\n' \"$REFRESH_TOKEN\" | oauthctl import gmail --refresh-token-stdin\n\n\
        Environment: OAUTHCTL_CLIENT_ID, OAUTHCTL_CLIENT_SECRET (stdin carries only the refresh token)."
    )]
    Import(Lazy<ImportArgs>),
    /// Revoke a credential at the provider and forget it locally
    #[command(after_help = "Examples:\n  oauthctl logout gmail:you@example.com\n  oauthctl logout gmail --local-only")]
    Logout(Lazy<LogoutArgs>),
    /// Hand a stored credential to a hosted agent platform (Blaxel, Airbyte)
    #[command(after_help = "Examples:\n  oauthctl push blaxel gmail --workspace acme --wait\n  \
        oauthctl push airbyte gmail --workspace-name alice --dry-run")]
    Push(PushArgs),
    /// MCP servers: a stdio proxy for hosts that speak only stdio
    #[command(
        after_help = "Examples:\n  oauthctl connect https://mcp.linear.app/mcp\n  oauthctl mcp proxy mcp-linear-app-mcp"
    )]
    Mcp(McpArgs),
    /// Show the provider catalog (built-in and providers.toml)
    #[command(after_help = "Examples:\n  oauthctl providers\n  oauthctl providers slack\n  oauthctl providers --json")]
    Providers(Lazy<ProvidersArgs>),
    /// Show where oauthctl keeps its configuration and credentials
    #[command(after_help = "Examples:\n  oauthctl paths\n  oauthctl paths --json\n\n\
        Environment: OAUTHCTL_CONFIG_DIR moves the directory.")]
    Paths,
    /// Print a shell completion script
    #[command(after_help = COMPLETIONS_HELP)]
    Completions(Lazy<CompletionsArgs>),
}

const CONNECT_HELP: &str = "Examples:
  oauthctl connect gmail --client-secrets-file ~/Downloads/client_secret.json
  oauthctl connect gmail --client-id ID        # secret from OAUTHCTL_CLIENT_SECRET, stdin or a prompt
  oauthctl connect microsoft --param tenant=contoso.onmicrosoft.com
  oauthctl connect github --device             # no browser here: approve on another device
  oauthctl connect https://mcp.example.com/mcp # an OAuth-protected MCP server (then: oauthctl mcp proxy NAME)
  oauthctl connect gmail --via airbyte --workspace-name team-a   # Airbyte runs the flow, keeps the tokens
  oauthctl connect gmail --no-browser          # open the printed URL elsewhere, paste the redirect back

Environment: OAUTHCTL_CLIENT_ID, OAUTHCTL_CLIENT_SECRET (never pass a secret as a flag), BROWSER,
OAUTHCTL_STORE, OAUTHCTL_CONFIG_DIR, OAUTHCTL_HTTP_TIMEOUT, HTTPS_PROXY, NO_PROXY; with --via:
AIRBYTE_CLIENT_ID, AIRBYTE_CLIENT_SECRET, AIRBYTE_API_URL, BLUENEXUS_API_URL.";

const COMPLETIONS_HELP: &str = "Examples:
  mkdir -p ~/.local/share/bash-completion/completions
  oauthctl completions bash > ~/.local/share/bash-completion/completions/oauthctl
  mkdir -p ~/.zfunc && oauthctl completions zsh > ~/.zfunc/_oauthctl   # with fpath=(~/.zfunc $fpath) in ~/.zshrc
  mkdir -p ~/.config/fish/completions
  oauthctl completions fish > ~/.config/fish/completions/oauthctl.fish";

const TOKEN_HELP: &str = "Examples:
  TOKEN=$(oauthctl token gmail)
  oauthctl token gmail | sed 's/^/Authorization: Bearer /' | curl -H @- URL   (the token stays out of argv)
  oauthctl token slack --token bot
  oauthctl token gmail --json

Environment: OAUTHCTL_CONFIG_DIR, OAUTHCTL_HTTP_TIMEOUT, OAUTHCTL_KEYRING_TIMEOUT.";

const EXEC_HELP: &str = "Examples:
  oauthctl exec gmail -- python agent.py        # token in $OAUTHCTL_ACCESS_TOKEN
  oauthctl exec gmail --env GMAIL_TOKEN --min-valid 3600 -- ./long-job.sh

The child also gets each extra the provider answered as OAUTHCTL_<NAME> (e.g. OAUTHCTL_INSTANCE_URL),
and none of oauthctl's own secrets (OAUTHCTL_CLIENT_SECRET is removed from its environment).";

#[derive(Debug, Clone, Args)]
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

#[derive(Debug, Clone, Args)]
pub struct ConnectArgs {
    /// Provider name from `oauthctl providers`, or the URL of an OAuth-protected MCP server
    pub provider: String,
    /// The name of what connect creates: an MCP server's provider name [default: its host and path],
    /// or a hosted connection's (--via) [default: PROVIDER-WORKSPACE, PROVIDER-ID]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// MCP: a Client ID Metadata Document URL to use as the client id (when the server accepts them)
    #[arg(long, value_name = "URL")]
    pub client_metadata_url: Option<String>,
    /// MCP: refuse a server that does not say it supports PKCE S256
    #[arg(long)]
    pub strict: bool,
    /// Account name to store under [default: what the provider reports, e.g. the email]
    #[arg(long, value_name = "NAME")]
    pub account: Option<String>,
    #[command(flatten)]
    pub client: ClientArgs,
    /// Extra scope to request (repeatable; space- or comma-separated lists work too)
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    /// A value for the provider's URL template, e.g. tenant=contoso (repeatable)
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Loopback port for the callback; 0 picks a free one [default: the provider's, else 8080]
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// Exact redirect URI to send (a Web-type client, a tunnel); the listener stays on loopback
    #[arg(long, value_name = "URI")]
    pub redirect_uri: Option<String>,
    /// Use the device authorization grant: approve on another device (SSH sessions, CI)
    #[arg(long, conflicts_with_all = ["port", "redirect_uri", "paste", "no_browser"])]
    pub device: bool,
    /// Print the authorization URL but do not open a browser
    #[arg(long)]
    pub no_browser: bool,
    /// Seconds to wait for the browser step (or the device approval)
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Accept the redirected URL pasted on stdin even when stdin is not a terminal
    #[arg(long)]
    pub paste: bool,
    /// Let a hosted platform run the flow and keep the tokens; oauthctl records the connection's id
    #[arg(
        long,
        value_name = "PLATFORM",
        conflicts_with_all = ["device", "redirect_uri", "account", "scopes", "client_id", "client_secret_stdin", "client_secrets_file", "client_metadata_url", "strict"]
    )]
    pub via: Option<Via>,
    /// --via airbyte: the Airbyte workspace (sent as workspace_name and customer_name)
    #[arg(long, value_name = "NAME", requires = "via")]
    pub workspace_name: Option<String>,
    /// --via airbyte: the connector type sent [default: the provider's, e.g. Gmail]
    #[arg(long, value_name = "TYPE", requires = "via")]
    pub connector_type: Option<String>,
    /// --via bluenexus: a value a connection needs after consent, KEY=VALUE (repeatable)
    #[arg(long = "field", value_name = "KEY=VALUE", requires = "via")]
    pub fields: Vec<String>,
    /// --via bluenexus: connect an MCP catalog entry (PROVIDER is then only a label)
    #[arg(long, value_name = "ID", requires = "via")]
    pub catalog_entry: Option<String>,
    /// --via bluenexus with --catalog-entry: read the entry's bearer token from stdin (no browser)
    #[arg(long, requires = "catalog_entry")]
    pub bearer_token_stdin: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Via {
    /// Airbyte's bring-your-own-OAuth flow: it creates a connector
    Airbyte,
    /// BlueNexus: it stores the provider's tokens (sign in first: oauthctl connect bluenexus)
    Bluenexus,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// PROVIDER[:ACCOUNT] (or a hosted connection's PLATFORM:NAME); all when omitted
    pub target: Option<String>,
    /// Ask Airbyte and BlueNexus for the state of the connections they hold (network)
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    /// PROVIDER[:ACCOUNT]
    pub target: String,
    /// Refresh first when the token expires within this many seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub min_valid: u64,
    /// Which token, for providers that issue several (Slack: user, bot)
    #[arg(long, value_name = "NAME")]
    pub token: Option<String>,
    /// Hand out the stored token even when the account needs re-authorization
    #[arg(long)]
    pub allow_stale: bool,
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
    /// Which token, for providers that issue several (Slack: user, bot)
    #[arg(long, value_name = "NAME")]
    pub token: Option<String>,
    /// Hand over the stored token even when the account needs re-authorization
    #[arg(long)]
    pub allow_stale: bool,
    /// The command and its arguments (after `--`)
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<std::ffi::OsString>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Provider name from `oauthctl providers`
    pub provider: String,
    /// Account name to store under [default: what the provider reports]
    #[arg(long, value_name = "NAME")]
    pub account: Option<String>,
    /// Read the refresh token from stdin (first line)
    #[arg(long)]
    pub refresh_token_stdin: bool,
    /// Scopes the refresh token was granted, when the provider does not say (repeatable)
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    /// A value for the provider's URL template, e.g. tenant=contoso (repeatable)
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    #[command(flatten)]
    pub client: ClientArgs,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// PROVIDER[:ACCOUNT], or a hosted connection's PLATFORM:NAME
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
    #[command(after_help = "Examples:\n  oauthctl push blaxel gmail --workspace acme --wait\n  \
        oauthctl push blaxel gmail:you@example.com --no-function --dry-run\n\n\
        Credentials: BL_API_KEY, else BL_CLIENT_CREDENTIALS, else the Blaxel CLI's login \
        (~/.blaxel/config.yaml). Base URL: BL_API_URL, else BL_ENV (prod, dev).")]
    Blaxel(Lazy<BlaxelArgs>),
    /// Create an Airbyte connector (an existing one is replaced only with --replace)
    #[command(after_help = "Examples:\n  oauthctl push airbyte gmail --workspace-name alice\n  \
        oauthctl push airbyte gmail --name gmail-alice --replace --dry-run\n\n\
        Credentials: AIRBYTE_CLIENT_ID and AIRBYTE_CLIENT_SECRET (an Airbyte application); \
        optional AIRBYTE_ORGANIZATION_ID, AIRBYTE_API_URL.")]
    Airbyte(Lazy<AirbyteArgs>),
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
    /// PROVIDER[:ACCOUNT]; the only account Airbyte takes when omitted
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
pub struct McpArgs {
    #[command(subcommand)]
    pub command: McpCommand,
}

#[derive(Debug, Subcommand)]
pub enum McpCommand {
    /// An MCP stdio server forwarding to an OAuth-protected MCP server with fresh tokens
    #[command(after_help = MCP_PROXY_HELP)]
    Proxy(Lazy<ProxyArgs>),
}

const MCP_PROXY_HELP: &str = "Examples:
  oauthctl connect https://mcp.linear.app/mcp      # once: sign in, prints the name
  oauthctl mcp proxy mcp-linear-app-mcp            # what the MCP host runs

Connect the server first (oauthctl connect https://…/mcp), then start the proxy from the MCP host:

  {\"mcpServers\": {\"linear\": {\"command\": \"oauthctl\", \"args\": [\"mcp\", \"proxy\", \"mcp-linear-app-mcp\"]}}}

stdout carries JSON-RPC only; diagnostics go to stderr. When the grant is gone or more scope is
needed, the proxy opens the browser to authorize again (--no-browser: the request fails instead,
naming the connect command).";

#[derive(Debug, Args)]
pub struct ProxyArgs {
    /// The MCP server's provider name (from `connect URL`), optionally :ACCOUNT
    pub target: String,
    /// Never open a browser: a request that needs authorization fails with a JSON-RPC error
    #[arg(long)]
    pub no_browser: bool,
}

#[derive(Debug, Args)]
pub struct ProvidersArgs {
    /// Show one provider in full, with its setup notes
    pub name: Option<String>,
    /// List a hosted platform's provider catalog instead (public; network)
    #[arg(long, value_name = "PLATFORM", conflicts_with = "name")]
    pub from: Option<CatalogSource>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CatalogSource {
    /// BlueNexus's providers (BLUENEXUS_API_URL moves it)
    Bluenexus,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate for
    pub shell: clap_complete::Shell,
}

/// `KEY=VALUE` pairs of a repeatable flag.
pub fn key_values(flag: &str, items: &[String]) -> crate::error::Result<std::collections::BTreeMap<String, String>> {
    items
        .iter()
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
            _ => Err(crate::error::Error::usage(format!("{flag} {kv:?} is not KEY=VALUE"))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn help_lists_every_exit_code_of_the_table() {
        let help = Cli::command().render_long_help().to_string();
        let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
        for (code, meaning) in crate::error::EXIT_CODES {
            assert!(help.contains(&format!("{code} {meaning}")), "--help lacks {code} {meaning}:\n{help}");
        }
    }

    #[test]
    fn key_values_need_an_equals_sign() {
        let kv = key_values("--param", &["tenant=a=b".into()]).unwrap();
        assert_eq!(kv["tenant"], "a=b");
        assert!(key_values("--param", &["tenant".into()]).is_err());
    }
}
