
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'oauthctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'oauthctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'oauthctl' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where new credentials are kept [default: keyring]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Sign in at a provider in the browser and store the credential')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List accounts, scopes, expiry and store (reads no secrets)')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print a valid access token (refreshed first when it expires soon)')
            [CompletionResult]::new('refresh', 'refresh', [CompletionResultType]::ParameterValue, 'Refresh one credential, or every one that needs it')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with a fresh access token in its environment')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Store a refresh token you already hold (read from stdin), validated by one refresh')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Revoke a credential at the provider and forget it locally')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Hand a stored credential to a hosted agent platform (Blaxel, Airbyte)')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'MCP servers: a stdio proxy for hosts that speak only stdio')
            [CompletionResult]::new('providers', 'providers', [CompletionResultType]::ParameterValue, 'Show the provider catalog (built-in and providers.toml)')
            [CompletionResult]::new('paths', 'paths', [CompletionResultType]::ParameterValue, 'Show where oauthctl keeps its configuration and credentials')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oauthctl;connect' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where new credentials are kept [default: keyring]')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The name of what connect creates: an MCP server''s provider name [default: its host and path], or a hosted connection''s (--via) [default: PROVIDER-WORKSPACE, PROVIDER-ID]')
            [CompletionResult]::new('--client-metadata-url', '--client-metadata-url', [CompletionResultType]::ParameterName, 'MCP: a Client ID Metadata Document URL to use as the client id (when the server accepts them)')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account name to store under [default: what the provider reports, e.g. the email]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth client id [env: OAUTHCTL_CLIENT_ID]')
            [CompletionResult]::new('--client-secrets-file', '--client-secrets-file', [CompletionResultType]::ParameterName, 'Google''s downloaded client JSON (`installed` or `web`) holding client id and secret')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Extra scope to request (repeatable; space- or comma-separated lists work too)')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'A value for the provider''s URL template, e.g. tenant=contoso (repeatable)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Loopback port for the callback; 0 picks a free one [default: the provider''s, else 8080]')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Exact redirect URI to send (a Web-type client, a tunnel); the listener stays on loopback')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the browser step (or the device approval)')
            [CompletionResult]::new('--via', '--via', [CompletionResultType]::ParameterName, 'Let a hosted platform run the flow and keep the tokens; oauthctl records the connection''s id')
            [CompletionResult]::new('--workspace-name', '--workspace-name', [CompletionResultType]::ParameterName, '--via airbyte: the Airbyte workspace (sent as workspace_name and customer_name)')
            [CompletionResult]::new('--connector-type', '--connector-type', [CompletionResultType]::ParameterName, '--via airbyte: the connector type sent [default: the provider''s, e.g. Gmail]')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, '--via bluenexus: a value a connection needs after consent, KEY=VALUE (repeatable)')
            [CompletionResult]::new('--catalog-entry', '--catalog-entry', [CompletionResultType]::ParameterName, '--via bluenexus: connect an MCP catalog entry (PROVIDER is then only a label)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'MCP: refuse a server that does not say it supports PKCE S256')
            [CompletionResult]::new('--client-secret-stdin', '--client-secret-stdin', [CompletionResultType]::ParameterName, 'Read the OAuth client secret from stdin (first line)')
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'Use the device authorization grant: approve on another device (SSH sessions, CI)')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Print the authorization URL but do not open a browser')
            [CompletionResult]::new('--paste', '--paste', [CompletionResultType]::ParameterName, 'Accept the redirected URL pasted on stdin even when stdin is not a terminal')
            [CompletionResult]::new('--bearer-token-stdin', '--bearer-token-stdin', [CompletionResultType]::ParameterName, '--via bluenexus with --catalog-entry: read the entry''s bearer token from stdin (no browser)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oauthctl;status' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where new credentials are kept [default: keyring]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Ask Airbyte and BlueNexus for the state of the connections they hold (network)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oauthctl;token' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where new credentials are kept [default: keyring]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Refresh first when the token expires within this many seconds')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Which token, for providers that issue several (Slack: user, bot)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--allow-stale', '--allow-stale', [CompletionResultType]::ParameterName, 'Hand out the stored token even when the account needs re-authorization')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oauthctl;refresh' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where new credentials are kept [default: keyring]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Refresh tokens that expire within this many seconds')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Refresh even when the token is still valid')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oauthctl;exec' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where new credentials are kept [default: keyring]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment variable that receives the access token')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'The token handed over stays valid for at least this many seconds')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Which token, for providers that issue several (Slack: user, bot)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--allow-stale', '--allow-stale', [CompletionResultType]::ParameterName, 'Hand over the stored token even when the account needs re-authorization')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oauthctl;import' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where new credentials are kept [default: keyring]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account name to store under [default: what the provider reports]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Scopes the refresh token was granted, when the provider does not say (repeatable)')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'A value for the provider''s URL template, e.g. tenant=contoso (repeatable)')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth client id [env: OAUTHCTL_CLIENT_ID]')
            [CompletionResult]::new('--client-secrets-file', '--client-secrets-file', [CompletionResultType]::ParameterName, 'Google''s downloaded client JSON (`installed` or `web`) holding client id and secret')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--refresh-token-stdin', '--refresh-token-stdin', [CompletionResultType]::ParameterName, 'Read the refresh token from stdin (first line)')
            [CompletionResult]::new('--client-secret-stdin', '--client-secret-stdin', [CompletionResultType]::ParameterName, 'Read the OAuth client secret from stdin (first line)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oauthctl;logout' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where new credentials are kept [default: keyring]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--local-only', '--local-only', [CompletionResultType]::ParameterName, 'Forget the credential without revoking it at the provider')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oauthctl;push' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where new credentials are kept [default: keyring]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('blaxel', 'blaxel', [CompletionResultType]::ParameterValue, 'Create a Blaxel integration connection and an MCP server bound to it (safe to re-run)')
            [CompletionResult]::new('airbyte', 'airbyte', [CompletionResultType]::ParameterValue, 'Create an Airbyte connector (an existing one is replaced only with --replace)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oauthctl;push;blaxel' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where new credentials are kept [default: keyring]')
            [CompletionResult]::new('--workspace', '--workspace', [CompletionResultType]::ParameterName, 'Blaxel workspace [default: BL_WORKSPACE, else the Blaxel CLI''s current workspace]')
            [CompletionResult]::new('--connection-name', '--connection-name', [CompletionResultType]::ParameterName, 'Integration connection name [default: PROVIDER-ACCOUNT, e.g. gmail-alice-example-com]')
            [CompletionResult]::new('--function-name', '--function-name', [CompletionResultType]::ParameterName, 'MCP server name [default: the connection name]')
            [CompletionResult]::new('--integration', '--integration', [CompletionResultType]::ParameterName, 'Blaxel integration [default: from the provider: gmail, google-drive]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds --wait waits at most')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--no-function', '--no-function', [CompletionResultType]::ParameterName, 'Create or update only the connection, no MCP server')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the MCP server is DEPLOYED (or FAILED)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the requests (secrets redacted) and send nothing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oauthctl;push;airbyte' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where new credentials are kept [default: keyring]')
            [CompletionResult]::new('--workspace-name', '--workspace-name', [CompletionResultType]::ParameterName, 'Airbyte workspace (sent as customer_name and workspace_name) [default: the account]')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Connector name [default: PROVIDER-ACCOUNT, e.g. gmail-alice-example-com]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--include-spam-and-trash', '--include-spam-and-trash', [CompletionResultType]::ParameterName, 'Also sync Spam and Trash')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Delete an existing connector of that name in the workspace, then create the new one')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the requests (secrets redacted) and send nothing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oauthctl;push;help' {
            [CompletionResult]::new('blaxel', 'blaxel', [CompletionResultType]::ParameterValue, 'Create a Blaxel integration connection and an MCP server bound to it (safe to re-run)')
            [CompletionResult]::new('airbyte', 'airbyte', [CompletionResultType]::ParameterValue, 'Create an Airbyte connector (an existing one is replaced only with --replace)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oauthctl;push;help;blaxel' {
            break
        }
        'oauthctl;push;help;airbyte' {
            break
        }
        'oauthctl;push;help;help' {
            break
        }
        'oauthctl;mcp' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where new credentials are kept [default: keyring]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('proxy', 'proxy', [CompletionResultType]::ParameterValue, 'An MCP stdio server forwarding to an OAuth-protected MCP server with fresh tokens')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oauthctl;mcp;proxy' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where new credentials are kept [default: keyring]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Never open a browser: a request that needs authorization fails with a JSON-RPC error')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oauthctl;mcp;help' {
            [CompletionResult]::new('proxy', 'proxy', [CompletionResultType]::ParameterValue, 'An MCP stdio server forwarding to an OAuth-protected MCP server with fresh tokens')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oauthctl;mcp;help;proxy' {
            break
        }
        'oauthctl;mcp;help;help' {
            break
        }
        'oauthctl;providers' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where new credentials are kept [default: keyring]')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'List a hosted platform''s provider catalog instead (public; network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oauthctl;paths' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where new credentials are kept [default: keyring]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oauthctl;completions' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where new credentials are kept [default: keyring]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace HTTP requests on stderr (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only warnings and errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oauthctl;help' {
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Sign in at a provider in the browser and store the credential')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List accounts, scopes, expiry and store (reads no secrets)')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print a valid access token (refreshed first when it expires soon)')
            [CompletionResult]::new('refresh', 'refresh', [CompletionResultType]::ParameterValue, 'Refresh one credential, or every one that needs it')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with a fresh access token in its environment')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Store a refresh token you already hold (read from stdin), validated by one refresh')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Revoke a credential at the provider and forget it locally')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Hand a stored credential to a hosted agent platform (Blaxel, Airbyte)')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'MCP servers: a stdio proxy for hosts that speak only stdio')
            [CompletionResult]::new('providers', 'providers', [CompletionResultType]::ParameterValue, 'Show the provider catalog (built-in and providers.toml)')
            [CompletionResult]::new('paths', 'paths', [CompletionResultType]::ParameterValue, 'Show where oauthctl keeps its configuration and credentials')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oauthctl;help;connect' {
            break
        }
        'oauthctl;help;status' {
            break
        }
        'oauthctl;help;token' {
            break
        }
        'oauthctl;help;refresh' {
            break
        }
        'oauthctl;help;exec' {
            break
        }
        'oauthctl;help;import' {
            break
        }
        'oauthctl;help;logout' {
            break
        }
        'oauthctl;help;push' {
            [CompletionResult]::new('blaxel', 'blaxel', [CompletionResultType]::ParameterValue, 'Create a Blaxel integration connection and an MCP server bound to it (safe to re-run)')
            [CompletionResult]::new('airbyte', 'airbyte', [CompletionResultType]::ParameterValue, 'Create an Airbyte connector (an existing one is replaced only with --replace)')
            break
        }
        'oauthctl;help;push;blaxel' {
            break
        }
        'oauthctl;help;push;airbyte' {
            break
        }
        'oauthctl;help;mcp' {
            [CompletionResult]::new('proxy', 'proxy', [CompletionResultType]::ParameterValue, 'An MCP stdio server forwarding to an OAuth-protected MCP server with fresh tokens')
            break
        }
        'oauthctl;help;mcp;proxy' {
            break
        }
        'oauthctl;help;providers' {
            break
        }
        'oauthctl;help;paths' {
            break
        }
        'oauthctl;help;completions' {
            break
        }
        'oauthctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
