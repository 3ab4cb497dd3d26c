# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_oauthctl_global_optspecs
    string join \n json store= no-input v/verbose q/quiet h/help V/version
end

function __fish_oauthctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_oauthctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_oauthctl_using_subcommand
    set -l cmd (__fish_oauthctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c oauthctl -n "__fish_oauthctl_needs_command" -l store -d 'Where new credentials are kept [default: keyring]' -r -f -a "keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'0600 JSON files in the config directory'"
complete -c oauthctl -n "__fish_oauthctl_needs_command" -l json -d 'Print machine-readable JSON on stdout'
complete -c oauthctl -n "__fish_oauthctl_needs_command" -l no-input -d 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
complete -c oauthctl -n "__fish_oauthctl_needs_command" -s v -l verbose -d 'Trace HTTP requests on stderr (secrets redacted)'
complete -c oauthctl -n "__fish_oauthctl_needs_command" -s q -l quiet -d 'Print only warnings and errors on stderr'
complete -c oauthctl -n "__fish_oauthctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oauthctl -n "__fish_oauthctl_needs_command" -s V -l version -d 'Print version'
complete -c oauthctl -n "__fish_oauthctl_needs_command" -f -a "connect" -d 'Sign in at a provider in the browser and store the credential'
complete -c oauthctl -n "__fish_oauthctl_needs_command" -f -a "status" -d 'List accounts, scopes, expiry and store (reads no secrets)'
complete -c oauthctl -n "__fish_oauthctl_needs_command" -f -a "token" -d 'Print a valid access token (refreshed first when it expires soon)'
complete -c oauthctl -n "__fish_oauthctl_needs_command" -f -a "refresh" -d 'Refresh one credential, or every one that needs it'
complete -c oauthctl -n "__fish_oauthctl_needs_command" -f -a "exec" -d 'Run a command with a fresh access token in its environment'
complete -c oauthctl -n "__fish_oauthctl_needs_command" -f -a "import" -d 'Store a refresh token you already hold (read from stdin), validated by one refresh'
complete -c oauthctl -n "__fish_oauthctl_needs_command" -f -a "logout" -d 'Revoke a credential at the provider and forget it locally'
complete -c oauthctl -n "__fish_oauthctl_needs_command" -f -a "push" -d 'Hand a stored credential to a hosted agent platform (Blaxel, Airbyte)'
complete -c oauthctl -n "__fish_oauthctl_needs_command" -f -a "mcp" -d 'MCP servers: a stdio proxy for hosts that speak only stdio'
complete -c oauthctl -n "__fish_oauthctl_needs_command" -f -a "providers" -d 'Show the provider catalog (built-in and providers.toml)'
complete -c oauthctl -n "__fish_oauthctl_needs_command" -f -a "paths" -d 'Show where oauthctl keeps its configuration and credentials'
complete -c oauthctl -n "__fish_oauthctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c oauthctl -n "__fish_oauthctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l store -d 'Where new credentials are kept [default: keyring]' -r -f -a "keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'0600 JSON files in the config directory'"
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l name -d 'The name of what connect creates: an MCP server\'s provider name [default: its host and path], or a hosted connection\'s (--via) [default: PROVIDER-WORKSPACE, PROVIDER-ID]' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l client-metadata-url -d 'MCP: a Client ID Metadata Document URL to use as the client id (when the server accepts them)' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l account -d 'Account name to store under [default: what the provider reports, e.g. the email]' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l client-id -d 'OAuth client id [env: OAUTHCTL_CLIENT_ID]' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l client-secrets-file -d 'Google\'s downloaded client JSON (`installed` or `web`) holding client id and secret' -r -F
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l scope -d 'Extra scope to request (repeatable; space- or comma-separated lists work too)' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l param -d 'A value for the provider\'s URL template, e.g. tenant=contoso (repeatable)' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l port -d 'Loopback port for the callback; 0 picks a free one [default: the provider\'s, else 8080]' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l redirect-uri -d 'Exact redirect URI to send (a Web-type client, a tunnel); the listener stays on loopback' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l timeout -d 'Seconds to wait for the browser step (or the device approval)' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l via -d 'Let a hosted platform run the flow and keep the tokens; oauthctl records the connection\'s id' -r -f -a "airbyte\t'Airbyte\'s bring-your-own-OAuth flow: it creates a connector'
bluenexus\t'BlueNexus: it stores the provider\'s tokens (sign in first: oauthctl connect bluenexus)'"
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l workspace-name -d '--via airbyte: the Airbyte workspace (sent as workspace_name and customer_name)' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l connector-type -d '--via airbyte: the connector type sent [default: the provider\'s, e.g. Gmail]' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l field -d '--via bluenexus: a value a connection needs after consent, KEY=VALUE (repeatable)' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l catalog-entry -d '--via bluenexus: connect an MCP catalog entry (PROVIDER is then only a label)' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l json -d 'Print machine-readable JSON on stdout'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l no-input -d 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -s v -l verbose -d 'Trace HTTP requests on stderr (secrets redacted)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -s q -l quiet -d 'Print only warnings and errors on stderr'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l strict -d 'MCP: refuse a server that does not say it supports PKCE S256'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l client-secret-stdin -d 'Read the OAuth client secret from stdin (first line)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l device -d 'Use the device authorization grant: approve on another device (SSH sessions, CI)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l no-browser -d 'Print the authorization URL but do not open a browser'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l paste -d 'Accept the redirected URL pasted on stdin even when stdin is not a terminal'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -l bearer-token-stdin -d '--via bluenexus with --catalog-entry: read the entry\'s bearer token from stdin (no browser)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand connect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand status" -l store -d 'Where new credentials are kept [default: keyring]' -r -f -a "keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'0600 JSON files in the config directory'"
complete -c oauthctl -n "__fish_oauthctl_using_subcommand status" -l json -d 'Print machine-readable JSON on stdout'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand status" -l no-input -d 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand status" -s v -l verbose -d 'Trace HTTP requests on stderr (secrets redacted)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand status" -s q -l quiet -d 'Print only warnings and errors on stderr'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand status" -l check -d 'Ask Airbyte and BlueNexus for the state of the connections they hold (network)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand token" -l store -d 'Where new credentials are kept [default: keyring]' -r -f -a "keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'0600 JSON files in the config directory'"
complete -c oauthctl -n "__fish_oauthctl_using_subcommand token" -l min-valid -d 'Refresh first when the token expires within this many seconds' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand token" -l token -d 'Which token, for providers that issue several (Slack: user, bot)' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand token" -l json -d 'Print machine-readable JSON on stdout'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand token" -l no-input -d 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand token" -s v -l verbose -d 'Trace HTTP requests on stderr (secrets redacted)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand token" -s q -l quiet -d 'Print only warnings and errors on stderr'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand token" -l allow-stale -d 'Hand out the stored token even when the account needs re-authorization'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand refresh" -l store -d 'Where new credentials are kept [default: keyring]' -r -f -a "keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'0600 JSON files in the config directory'"
complete -c oauthctl -n "__fish_oauthctl_using_subcommand refresh" -l min-valid -d 'Refresh tokens that expire within this many seconds' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand refresh" -l json -d 'Print machine-readable JSON on stdout'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand refresh" -l no-input -d 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand refresh" -s v -l verbose -d 'Trace HTTP requests on stderr (secrets redacted)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand refresh" -s q -l quiet -d 'Print only warnings and errors on stderr'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand refresh" -l force -d 'Refresh even when the token is still valid'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand refresh" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand exec" -l store -d 'Where new credentials are kept [default: keyring]' -r -f -a "keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'0600 JSON files in the config directory'"
complete -c oauthctl -n "__fish_oauthctl_using_subcommand exec" -l env -d 'Environment variable that receives the access token' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand exec" -l min-valid -d 'The token handed over stays valid for at least this many seconds' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand exec" -l token -d 'Which token, for providers that issue several (Slack: user, bot)' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand exec" -l json -d 'Print machine-readable JSON on stdout'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand exec" -l no-input -d 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand exec" -s v -l verbose -d 'Trace HTTP requests on stderr (secrets redacted)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand exec" -s q -l quiet -d 'Print only warnings and errors on stderr'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand exec" -l allow-stale -d 'Hand over the stored token even when the account needs re-authorization'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand exec" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand import" -l store -d 'Where new credentials are kept [default: keyring]' -r -f -a "keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'0600 JSON files in the config directory'"
complete -c oauthctl -n "__fish_oauthctl_using_subcommand import" -l account -d 'Account name to store under [default: what the provider reports]' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand import" -l scope -d 'Scopes the refresh token was granted, when the provider does not say (repeatable)' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand import" -l param -d 'A value for the provider\'s URL template, e.g. tenant=contoso (repeatable)' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand import" -l client-id -d 'OAuth client id [env: OAUTHCTL_CLIENT_ID]' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand import" -l client-secrets-file -d 'Google\'s downloaded client JSON (`installed` or `web`) holding client id and secret' -r -F
complete -c oauthctl -n "__fish_oauthctl_using_subcommand import" -l json -d 'Print machine-readable JSON on stdout'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand import" -l no-input -d 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand import" -s v -l verbose -d 'Trace HTTP requests on stderr (secrets redacted)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand import" -s q -l quiet -d 'Print only warnings and errors on stderr'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand import" -l refresh-token-stdin -d 'Read the refresh token from stdin (first line)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand import" -l client-secret-stdin -d 'Read the OAuth client secret from stdin (first line)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand logout" -l store -d 'Where new credentials are kept [default: keyring]' -r -f -a "keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'0600 JSON files in the config directory'"
complete -c oauthctl -n "__fish_oauthctl_using_subcommand logout" -l json -d 'Print machine-readable JSON on stdout'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand logout" -l no-input -d 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand logout" -s v -l verbose -d 'Trace HTTP requests on stderr (secrets redacted)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand logout" -s q -l quiet -d 'Print only warnings and errors on stderr'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand logout" -l local-only -d 'Forget the credential without revoking it at the provider'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand logout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and not __fish_seen_subcommand_from blaxel airbyte help" -l store -d 'Where new credentials are kept [default: keyring]' -r -f -a "keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'0600 JSON files in the config directory'"
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and not __fish_seen_subcommand_from blaxel airbyte help" -l json -d 'Print machine-readable JSON on stdout'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and not __fish_seen_subcommand_from blaxel airbyte help" -l no-input -d 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and not __fish_seen_subcommand_from blaxel airbyte help" -s v -l verbose -d 'Trace HTTP requests on stderr (secrets redacted)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and not __fish_seen_subcommand_from blaxel airbyte help" -s q -l quiet -d 'Print only warnings and errors on stderr'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and not __fish_seen_subcommand_from blaxel airbyte help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and not __fish_seen_subcommand_from blaxel airbyte help" -f -a "blaxel" -d 'Create a Blaxel integration connection and an MCP server bound to it (safe to re-run)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and not __fish_seen_subcommand_from blaxel airbyte help" -f -a "airbyte" -d 'Create an Airbyte connector (an existing one is replaced only with --replace)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and not __fish_seen_subcommand_from blaxel airbyte help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from blaxel" -l store -d 'Where new credentials are kept [default: keyring]' -r -f -a "keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'0600 JSON files in the config directory'"
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from blaxel" -l workspace -d 'Blaxel workspace [default: BL_WORKSPACE, else the Blaxel CLI\'s current workspace]' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from blaxel" -l connection-name -d 'Integration connection name [default: PROVIDER-ACCOUNT, e.g. gmail-alice-example-com]' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from blaxel" -l function-name -d 'MCP server name [default: the connection name]' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from blaxel" -l integration -d 'Blaxel integration [default: from the provider: gmail, google-drive]' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from blaxel" -l timeout -d 'Seconds --wait waits at most' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from blaxel" -l json -d 'Print machine-readable JSON on stdout'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from blaxel" -l no-input -d 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from blaxel" -s v -l verbose -d 'Trace HTTP requests on stderr (secrets redacted)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from blaxel" -s q -l quiet -d 'Print only warnings and errors on stderr'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from blaxel" -l no-function -d 'Create or update only the connection, no MCP server'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from blaxel" -l wait -d 'Wait until the MCP server is DEPLOYED (or FAILED)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from blaxel" -l dry-run -d 'Print the requests (secrets redacted) and send nothing'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from blaxel" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from airbyte" -l store -d 'Where new credentials are kept [default: keyring]' -r -f -a "keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'0600 JSON files in the config directory'"
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from airbyte" -l workspace-name -d 'Airbyte workspace (sent as customer_name and workspace_name) [default: the account]' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from airbyte" -l name -d 'Connector name [default: PROVIDER-ACCOUNT, e.g. gmail-alice-example-com]' -r
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from airbyte" -l json -d 'Print machine-readable JSON on stdout'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from airbyte" -l no-input -d 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from airbyte" -s v -l verbose -d 'Trace HTTP requests on stderr (secrets redacted)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from airbyte" -s q -l quiet -d 'Print only warnings and errors on stderr'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from airbyte" -l include-spam-and-trash -d 'Also sync Spam and Trash'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from airbyte" -l replace -d 'Delete an existing connector of that name in the workspace, then create the new one'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from airbyte" -l dry-run -d 'Print the requests (secrets redacted) and send nothing'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from airbyte" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from help" -f -a "blaxel" -d 'Create a Blaxel integration connection and an MCP server bound to it (safe to re-run)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from help" -f -a "airbyte" -d 'Create an Airbyte connector (an existing one is replaced only with --replace)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand push; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand mcp; and not __fish_seen_subcommand_from proxy help" -l store -d 'Where new credentials are kept [default: keyring]' -r -f -a "keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'0600 JSON files in the config directory'"
complete -c oauthctl -n "__fish_oauthctl_using_subcommand mcp; and not __fish_seen_subcommand_from proxy help" -l json -d 'Print machine-readable JSON on stdout'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand mcp; and not __fish_seen_subcommand_from proxy help" -l no-input -d 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand mcp; and not __fish_seen_subcommand_from proxy help" -s v -l verbose -d 'Trace HTTP requests on stderr (secrets redacted)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand mcp; and not __fish_seen_subcommand_from proxy help" -s q -l quiet -d 'Print only warnings and errors on stderr'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand mcp; and not __fish_seen_subcommand_from proxy help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand mcp; and not __fish_seen_subcommand_from proxy help" -f -a "proxy" -d 'An MCP stdio server forwarding to an OAuth-protected MCP server with fresh tokens'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand mcp; and not __fish_seen_subcommand_from proxy help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand mcp; and __fish_seen_subcommand_from proxy" -l store -d 'Where new credentials are kept [default: keyring]' -r -f -a "keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'0600 JSON files in the config directory'"
complete -c oauthctl -n "__fish_oauthctl_using_subcommand mcp; and __fish_seen_subcommand_from proxy" -l json -d 'Print machine-readable JSON on stdout'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand mcp; and __fish_seen_subcommand_from proxy" -l no-input -d 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand mcp; and __fish_seen_subcommand_from proxy" -s v -l verbose -d 'Trace HTTP requests on stderr (secrets redacted)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand mcp; and __fish_seen_subcommand_from proxy" -s q -l quiet -d 'Print only warnings and errors on stderr'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand mcp; and __fish_seen_subcommand_from proxy" -l no-browser -d 'Never open a browser: a request that needs authorization fails with a JSON-RPC error'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand mcp; and __fish_seen_subcommand_from proxy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "proxy" -d 'An MCP stdio server forwarding to an OAuth-protected MCP server with fresh tokens'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand providers" -l store -d 'Where new credentials are kept [default: keyring]' -r -f -a "keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'0600 JSON files in the config directory'"
complete -c oauthctl -n "__fish_oauthctl_using_subcommand providers" -l from -d 'List a hosted platform\'s provider catalog instead (public; network)' -r -f -a "bluenexus\t'BlueNexus\'s providers (BLUENEXUS_API_URL moves it)'"
complete -c oauthctl -n "__fish_oauthctl_using_subcommand providers" -l json -d 'Print machine-readable JSON on stdout'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand providers" -l no-input -d 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand providers" -s v -l verbose -d 'Trace HTTP requests on stderr (secrets redacted)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand providers" -s q -l quiet -d 'Print only warnings and errors on stderr'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand providers" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand paths" -l store -d 'Where new credentials are kept [default: keyring]' -r -f -a "keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'0600 JSON files in the config directory'"
complete -c oauthctl -n "__fish_oauthctl_using_subcommand paths" -l json -d 'Print machine-readable JSON on stdout'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand paths" -l no-input -d 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand paths" -s v -l verbose -d 'Trace HTTP requests on stderr (secrets redacted)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand paths" -s q -l quiet -d 'Print only warnings and errors on stderr'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand paths" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand completions" -l store -d 'Where new credentials are kept [default: keyring]' -r -f -a "keyring\t'The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)'
file\t'0600 JSON files in the config directory'"
complete -c oauthctl -n "__fish_oauthctl_using_subcommand completions" -l json -d 'Print machine-readable JSON on stdout'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand completions" -l no-input -d 'Never prompt; fail naming the flag or variable to use (implied when stdin is not a terminal)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand completions" -s v -l verbose -d 'Trace HTTP requests on stderr (secrets redacted)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand completions" -s q -l quiet -d 'Print only warnings and errors on stderr'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand help; and not __fish_seen_subcommand_from connect status token refresh exec import logout push mcp providers paths completions help" -f -a "connect" -d 'Sign in at a provider in the browser and store the credential'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand help; and not __fish_seen_subcommand_from connect status token refresh exec import logout push mcp providers paths completions help" -f -a "status" -d 'List accounts, scopes, expiry and store (reads no secrets)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand help; and not __fish_seen_subcommand_from connect status token refresh exec import logout push mcp providers paths completions help" -f -a "token" -d 'Print a valid access token (refreshed first when it expires soon)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand help; and not __fish_seen_subcommand_from connect status token refresh exec import logout push mcp providers paths completions help" -f -a "refresh" -d 'Refresh one credential, or every one that needs it'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand help; and not __fish_seen_subcommand_from connect status token refresh exec import logout push mcp providers paths completions help" -f -a "exec" -d 'Run a command with a fresh access token in its environment'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand help; and not __fish_seen_subcommand_from connect status token refresh exec import logout push mcp providers paths completions help" -f -a "import" -d 'Store a refresh token you already hold (read from stdin), validated by one refresh'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand help; and not __fish_seen_subcommand_from connect status token refresh exec import logout push mcp providers paths completions help" -f -a "logout" -d 'Revoke a credential at the provider and forget it locally'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand help; and not __fish_seen_subcommand_from connect status token refresh exec import logout push mcp providers paths completions help" -f -a "push" -d 'Hand a stored credential to a hosted agent platform (Blaxel, Airbyte)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand help; and not __fish_seen_subcommand_from connect status token refresh exec import logout push mcp providers paths completions help" -f -a "mcp" -d 'MCP servers: a stdio proxy for hosts that speak only stdio'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand help; and not __fish_seen_subcommand_from connect status token refresh exec import logout push mcp providers paths completions help" -f -a "providers" -d 'Show the provider catalog (built-in and providers.toml)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand help; and not __fish_seen_subcommand_from connect status token refresh exec import logout push mcp providers paths completions help" -f -a "paths" -d 'Show where oauthctl keeps its configuration and credentials'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand help; and not __fish_seen_subcommand_from connect status token refresh exec import logout push mcp providers paths completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand help; and not __fish_seen_subcommand_from connect status token refresh exec import logout push mcp providers paths completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand help; and __fish_seen_subcommand_from push" -f -a "blaxel" -d 'Create a Blaxel integration connection and an MCP server bound to it (safe to re-run)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand help; and __fish_seen_subcommand_from push" -f -a "airbyte" -d 'Create an Airbyte connector (an existing one is replaced only with --replace)'
complete -c oauthctl -n "__fish_oauthctl_using_subcommand help; and __fish_seen_subcommand_from mcp" -f -a "proxy" -d 'An MCP stdio server forwarding to an OAuth-protected MCP server with fresh tokens'
