
use builtin;
use str;

set edit:completion:arg-completer[oauthctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'oauthctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'oauthctl'= {
            cand --store 'Where new credentials are kept [default: keyring]'
            cand --json 'Print machine-readable JSON on stdout'
            cand --no-input 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
            cand -v 'Trace HTTP requests on stderr (secrets redacted)'
            cand --verbose 'Trace HTTP requests on stderr (secrets redacted)'
            cand -q 'Print only warnings and errors on stderr'
            cand --quiet 'Print only warnings and errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand connect 'Sign in at a provider in the browser and store the credential'
            cand status 'List accounts, scopes, expiry and store (reads no secrets)'
            cand token 'Print a valid access token (refreshed first when it expires soon)'
            cand refresh 'Refresh one credential, or every one that needs it'
            cand exec 'Run a command with a fresh access token in its environment'
            cand import 'Store a refresh token you already hold (read from stdin), validated by one refresh'
            cand logout 'Revoke a credential at the provider and forget it locally'
            cand push 'Hand a stored credential to a hosted agent platform (Blaxel, Airbyte)'
            cand mcp 'MCP servers: a stdio proxy for hosts that speak only stdio'
            cand providers 'Show the provider catalog (built-in and providers.toml)'
            cand paths 'Show where oauthctl keeps its configuration and credentials'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oauthctl;connect'= {
            cand --store 'Where new credentials are kept [default: keyring]'
            cand --name 'The name of what connect creates: an MCP server''s provider name [default: its host and path], or a hosted connection''s (--via) [default: PROVIDER-WORKSPACE, PROVIDER-ID]'
            cand --client-metadata-url 'MCP: a Client ID Metadata Document URL to use as the client id (when the server accepts them)'
            cand --account 'Account name to store under [default: what the provider reports, e.g. the email]'
            cand --client-id 'OAuth client id [env: OAUTHCTL_CLIENT_ID]'
            cand --client-secrets-file 'Google''s downloaded client JSON (`installed` or `web`) holding client id and secret'
            cand --scope 'Extra scope to request (repeatable; space- or comma-separated lists work too)'
            cand --param 'A value for the provider''s URL template, e.g. tenant=contoso (repeatable)'
            cand --port 'Loopback port for the callback; 0 picks a free one [default: the provider''s, else 8080]'
            cand --redirect-uri 'Exact redirect URI to send (a Web-type client, a tunnel); the listener stays on loopback'
            cand --timeout 'Seconds to wait for the browser step (or the device approval)'
            cand --via 'Let a hosted platform run the flow and keep the tokens; oauthctl records the connection''s id'
            cand --workspace-name '--via airbyte: the Airbyte workspace (sent as workspace_name and customer_name)'
            cand --connector-type '--via airbyte: the connector type sent [default: the provider''s, e.g. Gmail]'
            cand --field '--via bluenexus: a value a connection needs after consent, KEY=VALUE (repeatable)'
            cand --catalog-entry '--via bluenexus: connect an MCP catalog entry (PROVIDER is then only a label)'
            cand --json 'Print machine-readable JSON on stdout'
            cand --no-input 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
            cand -v 'Trace HTTP requests on stderr (secrets redacted)'
            cand --verbose 'Trace HTTP requests on stderr (secrets redacted)'
            cand -q 'Print only warnings and errors on stderr'
            cand --quiet 'Print only warnings and errors on stderr'
            cand --strict 'MCP: refuse a server that does not say it supports PKCE S256'
            cand --client-secret-stdin 'Read the OAuth client secret from stdin (first line)'
            cand --device 'Use the device authorization grant: approve on another device (SSH sessions, CI)'
            cand --no-browser 'Print the authorization URL but do not open a browser'
            cand --paste 'Accept the redirected URL pasted on stdin even when stdin is not a terminal'
            cand --bearer-token-stdin '--via bluenexus with --catalog-entry: read the entry''s bearer token from stdin (no browser)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oauthctl;status'= {
            cand --store 'Where new credentials are kept [default: keyring]'
            cand --json 'Print machine-readable JSON on stdout'
            cand --no-input 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
            cand -v 'Trace HTTP requests on stderr (secrets redacted)'
            cand --verbose 'Trace HTTP requests on stderr (secrets redacted)'
            cand -q 'Print only warnings and errors on stderr'
            cand --quiet 'Print only warnings and errors on stderr'
            cand --check 'Ask Airbyte and BlueNexus for the state of the connections they hold (network)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oauthctl;token'= {
            cand --store 'Where new credentials are kept [default: keyring]'
            cand --min-valid 'Refresh first when the token expires within this many seconds'
            cand --token 'Which token, for providers that issue several (Slack: user, bot)'
            cand --json 'Print machine-readable JSON on stdout'
            cand --no-input 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
            cand -v 'Trace HTTP requests on stderr (secrets redacted)'
            cand --verbose 'Trace HTTP requests on stderr (secrets redacted)'
            cand -q 'Print only warnings and errors on stderr'
            cand --quiet 'Print only warnings and errors on stderr'
            cand --allow-stale 'Hand out the stored token even when the account needs re-authorization'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oauthctl;refresh'= {
            cand --store 'Where new credentials are kept [default: keyring]'
            cand --min-valid 'Refresh tokens that expire within this many seconds'
            cand --json 'Print machine-readable JSON on stdout'
            cand --no-input 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
            cand -v 'Trace HTTP requests on stderr (secrets redacted)'
            cand --verbose 'Trace HTTP requests on stderr (secrets redacted)'
            cand -q 'Print only warnings and errors on stderr'
            cand --quiet 'Print only warnings and errors on stderr'
            cand --force 'Refresh even when the token is still valid'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oauthctl;exec'= {
            cand --store 'Where new credentials are kept [default: keyring]'
            cand --env 'Environment variable that receives the access token'
            cand --min-valid 'The token handed over stays valid for at least this many seconds'
            cand --token 'Which token, for providers that issue several (Slack: user, bot)'
            cand --json 'Print machine-readable JSON on stdout'
            cand --no-input 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
            cand -v 'Trace HTTP requests on stderr (secrets redacted)'
            cand --verbose 'Trace HTTP requests on stderr (secrets redacted)'
            cand -q 'Print only warnings and errors on stderr'
            cand --quiet 'Print only warnings and errors on stderr'
            cand --allow-stale 'Hand over the stored token even when the account needs re-authorization'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oauthctl;import'= {
            cand --store 'Where new credentials are kept [default: keyring]'
            cand --account 'Account name to store under [default: what the provider reports]'
            cand --scope 'Scopes the refresh token was granted, when the provider does not say (repeatable)'
            cand --param 'A value for the provider''s URL template, e.g. tenant=contoso (repeatable)'
            cand --client-id 'OAuth client id [env: OAUTHCTL_CLIENT_ID]'
            cand --client-secrets-file 'Google''s downloaded client JSON (`installed` or `web`) holding client id and secret'
            cand --json 'Print machine-readable JSON on stdout'
            cand --no-input 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
            cand -v 'Trace HTTP requests on stderr (secrets redacted)'
            cand --verbose 'Trace HTTP requests on stderr (secrets redacted)'
            cand -q 'Print only warnings and errors on stderr'
            cand --quiet 'Print only warnings and errors on stderr'
            cand --refresh-token-stdin 'Read the refresh token from stdin (first line)'
            cand --client-secret-stdin 'Read the OAuth client secret from stdin (first line)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oauthctl;logout'= {
            cand --store 'Where new credentials are kept [default: keyring]'
            cand --json 'Print machine-readable JSON on stdout'
            cand --no-input 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
            cand -v 'Trace HTTP requests on stderr (secrets redacted)'
            cand --verbose 'Trace HTTP requests on stderr (secrets redacted)'
            cand -q 'Print only warnings and errors on stderr'
            cand --quiet 'Print only warnings and errors on stderr'
            cand --local-only 'Forget the credential without revoking it at the provider'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oauthctl;push'= {
            cand --store 'Where new credentials are kept [default: keyring]'
            cand --json 'Print machine-readable JSON on stdout'
            cand --no-input 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
            cand -v 'Trace HTTP requests on stderr (secrets redacted)'
            cand --verbose 'Trace HTTP requests on stderr (secrets redacted)'
            cand -q 'Print only warnings and errors on stderr'
            cand --quiet 'Print only warnings and errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand blaxel 'Create a Blaxel integration connection and an MCP server bound to it (safe to re-run)'
            cand airbyte 'Create an Airbyte connector (an existing one is replaced only with --replace)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oauthctl;push;blaxel'= {
            cand --store 'Where new credentials are kept [default: keyring]'
            cand --workspace 'Blaxel workspace [default: BL_WORKSPACE, else the Blaxel CLI''s current workspace]'
            cand --connection-name 'Integration connection name [default: PROVIDER-ACCOUNT, e.g. gmail-alice-example-com]'
            cand --function-name 'MCP server name [default: the connection name]'
            cand --integration 'Blaxel integration [default: from the provider: gmail, google-drive]'
            cand --timeout 'Seconds --wait waits at most'
            cand --json 'Print machine-readable JSON on stdout'
            cand --no-input 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
            cand -v 'Trace HTTP requests on stderr (secrets redacted)'
            cand --verbose 'Trace HTTP requests on stderr (secrets redacted)'
            cand -q 'Print only warnings and errors on stderr'
            cand --quiet 'Print only warnings and errors on stderr'
            cand --no-function 'Create or update only the connection, no MCP server'
            cand --wait 'Wait until the MCP server is DEPLOYED (or FAILED)'
            cand --dry-run 'Print the requests (secrets redacted) and send nothing'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oauthctl;push;airbyte'= {
            cand --store 'Where new credentials are kept [default: keyring]'
            cand --workspace-name 'Airbyte workspace (sent as customer_name and workspace_name) [default: the account]'
            cand --name 'Connector name [default: PROVIDER-ACCOUNT, e.g. gmail-alice-example-com]'
            cand --json 'Print machine-readable JSON on stdout'
            cand --no-input 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
            cand -v 'Trace HTTP requests on stderr (secrets redacted)'
            cand --verbose 'Trace HTTP requests on stderr (secrets redacted)'
            cand -q 'Print only warnings and errors on stderr'
            cand --quiet 'Print only warnings and errors on stderr'
            cand --include-spam-and-trash 'Also sync Spam and Trash'
            cand --replace 'Delete an existing connector of that name in the workspace, then create the new one'
            cand --dry-run 'Print the requests (secrets redacted) and send nothing'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oauthctl;push;help'= {
            cand blaxel 'Create a Blaxel integration connection and an MCP server bound to it (safe to re-run)'
            cand airbyte 'Create an Airbyte connector (an existing one is replaced only with --replace)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oauthctl;push;help;blaxel'= {
        }
        &'oauthctl;push;help;airbyte'= {
        }
        &'oauthctl;push;help;help'= {
        }
        &'oauthctl;mcp'= {
            cand --store 'Where new credentials are kept [default: keyring]'
            cand --json 'Print machine-readable JSON on stdout'
            cand --no-input 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
            cand -v 'Trace HTTP requests on stderr (secrets redacted)'
            cand --verbose 'Trace HTTP requests on stderr (secrets redacted)'
            cand -q 'Print only warnings and errors on stderr'
            cand --quiet 'Print only warnings and errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand proxy 'An MCP stdio server forwarding to an OAuth-protected MCP server with fresh tokens'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oauthctl;mcp;proxy'= {
            cand --store 'Where new credentials are kept [default: keyring]'
            cand --json 'Print machine-readable JSON on stdout'
            cand --no-input 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
            cand -v 'Trace HTTP requests on stderr (secrets redacted)'
            cand --verbose 'Trace HTTP requests on stderr (secrets redacted)'
            cand -q 'Print only warnings and errors on stderr'
            cand --quiet 'Print only warnings and errors on stderr'
            cand --no-browser 'Never open a browser: a request that needs authorization fails with a JSON-RPC error'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oauthctl;mcp;help'= {
            cand proxy 'An MCP stdio server forwarding to an OAuth-protected MCP server with fresh tokens'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oauthctl;mcp;help;proxy'= {
        }
        &'oauthctl;mcp;help;help'= {
        }
        &'oauthctl;providers'= {
            cand --store 'Where new credentials are kept [default: keyring]'
            cand --from 'List a hosted platform''s provider catalog instead (public; network)'
            cand --json 'Print machine-readable JSON on stdout'
            cand --no-input 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
            cand -v 'Trace HTTP requests on stderr (secrets redacted)'
            cand --verbose 'Trace HTTP requests on stderr (secrets redacted)'
            cand -q 'Print only warnings and errors on stderr'
            cand --quiet 'Print only warnings and errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oauthctl;paths'= {
            cand --store 'Where new credentials are kept [default: keyring]'
            cand --json 'Print machine-readable JSON on stdout'
            cand --no-input 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
            cand -v 'Trace HTTP requests on stderr (secrets redacted)'
            cand --verbose 'Trace HTTP requests on stderr (secrets redacted)'
            cand -q 'Print only warnings and errors on stderr'
            cand --quiet 'Print only warnings and errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oauthctl;completions'= {
            cand --store 'Where new credentials are kept [default: keyring]'
            cand --json 'Print machine-readable JSON on stdout'
            cand --no-input 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
            cand -v 'Trace HTTP requests on stderr (secrets redacted)'
            cand --verbose 'Trace HTTP requests on stderr (secrets redacted)'
            cand -q 'Print only warnings and errors on stderr'
            cand --quiet 'Print only warnings and errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oauthctl;help'= {
            cand connect 'Sign in at a provider in the browser and store the credential'
            cand status 'List accounts, scopes, expiry and store (reads no secrets)'
            cand token 'Print a valid access token (refreshed first when it expires soon)'
            cand refresh 'Refresh one credential, or every one that needs it'
            cand exec 'Run a command with a fresh access token in its environment'
            cand import 'Store a refresh token you already hold (read from stdin), validated by one refresh'
            cand logout 'Revoke a credential at the provider and forget it locally'
            cand push 'Hand a stored credential to a hosted agent platform (Blaxel, Airbyte)'
            cand mcp 'MCP servers: a stdio proxy for hosts that speak only stdio'
            cand providers 'Show the provider catalog (built-in and providers.toml)'
            cand paths 'Show where oauthctl keeps its configuration and credentials'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oauthctl;help;connect'= {
        }
        &'oauthctl;help;status'= {
        }
        &'oauthctl;help;token'= {
        }
        &'oauthctl;help;refresh'= {
        }
        &'oauthctl;help;exec'= {
        }
        &'oauthctl;help;import'= {
        }
        &'oauthctl;help;logout'= {
        }
        &'oauthctl;help;push'= {
            cand blaxel 'Create a Blaxel integration connection and an MCP server bound to it (safe to re-run)'
            cand airbyte 'Create an Airbyte connector (an existing one is replaced only with --replace)'
        }
        &'oauthctl;help;push;blaxel'= {
        }
        &'oauthctl;help;push;airbyte'= {
        }
        &'oauthctl;help;mcp'= {
            cand proxy 'An MCP stdio server forwarding to an OAuth-protected MCP server with fresh tokens'
        }
        &'oauthctl;help;mcp;proxy'= {
        }
        &'oauthctl;help;providers'= {
        }
        &'oauthctl;help;paths'= {
        }
        &'oauthctl;help;completions'= {
        }
        &'oauthctl;help;help'= {
        }
    ]
    $completions[$command]
}
