#!/usr/bin/env bash
# Try oauthctl without a Google (or any other) account: start the test fixtures' real OpenID
# Connect server on 127.0.0.1 and walk connect → status → token → exec → push blaxel --dry-run →
# logout against it, in a throw-away config dir with the file store.
#
#   scripts/try-local.sh [--keep]
#
# Needs: node 20.19+, python3, the npm fixtures ((cd tests/fixtures && npm ci)), and oauthctl:
# $OAUTHCTL_BIN when set, else `cargo build` here. Nothing outside this repository and a temporary
# directory is read or written: not your oauthctl config, not your keyring, not ~/.blaxel. Nothing
# leaves this machine. --keep leaves the temporary directory in place and says where it is.
# Kept working by tests/integration/trial.rs.

set -euo pipefail

usage() {
    sed -n '2,11s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

keep=0
for arg in "$@"; do
    case "$arg" in
        --keep) keep=1 ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            echo "try-local: unknown argument: $arg" >&2
            usage >&2
            exit 2
            ;;
    esac
done

say() { printf '%s\n' "$*" >&2; }
die() {
    say "try-local: $1"
    [ $# -lt 2 ] || say "  fix: $2"
    exit 1
}

started=$SECONDS
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# ---- prerequisites ------------------------------------------------------------------------------

command -v node >/dev/null 2>&1 ||
    die "node is not installed (the test OpenID Connect server runs on Node.js 20.19 or newer)." \
        "install Node.js 20.19+ (your package manager, or the Node.js website), then run this again"
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' 2>/dev/null ||
    die "node $(node --version 2>/dev/null || echo '(unknown version)') is too old: the test server needs Node.js 20.19 or newer." \
        "install Node.js 20.19+, then run this again"
command -v python3 >/dev/null 2>&1 ||
    die "python3 is not installed (the scripted browser that signs in and consents is a Python script)." \
        "install Python 3, then run this again"
[ -d "$root/tests/fixtures/node_modules/oidc-provider" ] ||
    die "the npm test fixtures are not installed (tests/fixtures/node_modules/oidc-provider is missing)." \
        "(cd tests/fixtures && npm ci)"

if [ -n "${OAUTHCTL_BIN:-}" ]; then
    case "$OAUTHCTL_BIN" in
        /*) bin="$OAUTHCTL_BIN" ;;
        *) bin="$PWD/$OAUTHCTL_BIN" ;;
    esac
    [ -x "$bin" ] || die "OAUTHCTL_BIN is $OAUTHCTL_BIN, which is not an executable file." \
        "point OAUTHCTL_BIN at an oauthctl binary, or unset it to build one with cargo"
else
    command -v cargo >/dev/null 2>&1 ||
        die "cargo is not installed, and OAUTHCTL_BIN does not name an oauthctl binary." \
            "install Rust (with rustup), or set OAUTHCTL_BIN=/path/to/oauthctl"
    say "Building oauthctl (cargo build --quiet; the first build takes a few minutes) …"
    (cd "$root" && cargo build --quiet) || die "cargo build failed (see above)."
    bin="$root/target/debug/oauthctl"
fi

# What oauthctl is called by in the steps below, so they read as you would type them.
oauthctl() { "$bin" "$@"; }

# ---- a throw-away environment, cleaned up on any exit -----------------------------------------

work="$(mktemp -d "${TMPDIR:-/tmp}/oauthctl-try.XXXXXX")"
oidc_pid=""

cleanup() {
    local rc=$?
    trap - EXIT HUP INT TERM
    if [ -n "$oidc_pid" ] && kill -0 "$oidc_pid" 2>/dev/null; then
        kill -TERM "$oidc_pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$oidc_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$oidc_pid" 2>/dev/null || true
        wait "$oidc_pid" 2>/dev/null || true
    fi
    if [ "$keep" = 1 ]; then
        say "Kept $work (config dir: $work/config, server log: $work/oidc.log); remove it with: rm -rf '$work'"
    else
        rm -rf "$work"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -m 700 "$work/config" "$work/home"

# ---- the test OpenID Connect server -----------------------------------------------------------

say "Starting the test OpenID Connect server (node tests/fixtures/oidc/server.mjs) on 127.0.0.1 …"
node "$root/tests/fixtures/oidc/server.mjs" >"$work/oidc.ready" 2>"$work/oidc.log" </dev/null &
oidc_pid=$!
for _ in $(seq 150); do
    [ -s "$work/oidc.ready" ] && break
    kill -0 "$oidc_pid" 2>/dev/null || break
    sleep 0.1
done
issuer="$(python3 -c 'import json, sys; print(json.load(sys.stdin)["issuer"])' <"$work/oidc.ready" 2>/dev/null || true)"
if [ -z "$issuer" ]; then
    say "try-local: the test server did not start; its log:"
    tail -n 20 "$work/oidc.log" >&2 || true
    exit 1
fi
say "  issuer: $issuer (clients conf-post, conf-basic, public-app; any login and password)"

# The provider `demo`, defined only in this temporary providers.toml: the same fields you would
# write for any OAuth 2.0 / OIDC provider oauthctl has no built-in entry for.
cat >"$work/config/providers.toml" <<EOF
[providers.demo]
display_name = "Demo (local test server)"
issuer = "$issuer"
authorization_url = "$issuer/auth"
token_url = "$issuer/token"
revocation_url = "$issuer/token/revocation"
userinfo_url = "$issuer/me"
scopes = ["openid", "email", "profile"]
token_auth = "client_secret_post"
refresh_token = "rotating"
redirect_port = 0
EOF

# oauthctl's environment: the temporary config dir, the file store, the fixture's client (the
# secret through the environment: oauthctl refuses secrets in argv), and the scripted browser.
export HOME="$work/home"
export OAUTHCTL_CONFIG_DIR="$work/config"
export OAUTHCTL_STORE=file
export OAUTHCTL_CLIENT_ID=conf-post
export OAUTHCTL_CLIENT_SECRET=conf-post-secret
# The browser: a Python script that signs in as alice and consents over plain HTTP. oauthctl
# splits $BROWSER at ':' and spaces (Python's convention), so a path with those gets a link.
browser="$root/tests/fixtures/browser/scripted.py"
case "$browser" in
    *[[:space:]:]*)
        ln -s "$browser" "$work/browser"
        browser="$work/browser"
        ;;
esac
export BROWSER="$browser"
export SCRIPTED_LOGIN=alice SCRIPTED_OUT="$work/browser-callback.txt"
# No keyring, no Blaxel or Airbyte credentials of yours: none of them is reachable from here.
export DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent/oauthctl-try-local"
unset BL_API_KEY BL_CLIENT_CREDENTIALS BL_WORKSPACE BL_API_URL BL_ENV
unset AIRBYTE_CLIENT_ID AIRBYTE_CLIENT_SECRET AIRBYTE_API_URL AIRBYTE_ORGANIZATION_ID
say "  config dir: $OAUTHCTL_CONFIG_DIR (temporary; store: file)"
say "  providers.toml:"
sed 's/^/    /' "$work/config/providers.toml" >&2

# ---- the walk -----------------------------------------------------------------------------------

step=0
run() {
    local explain=$1 cmd=$2 rc=0
    step=$((step + 1))
    say ""
    say "[$step] $explain"
    say "+ $cmd"
    eval "$cmd" </dev/null || rc=$?
    if [ "$rc" -ne 0 ]; then
        say ""
        say "try-local: step $step failed with exit code $rc: $cmd"
        exit "$rc"
    fi
}

run "Sign in at the provider: a loopback callback with PKCE; the scripted browser signs in as alice and consents." \
    'oauthctl connect demo --timeout 30'
run "List the connected accounts: store, scopes, expiry (reads no secrets)." \
    'oauthctl status'
run "Print a valid access token on stdout, for scripts. Here it is piped away and only its length shown." \
    "oauthctl token demo | awk '{ print \"token: \" length(\$0) \" characters (not shown)\" }'"
run "Run a program with a fresh token in its environment (never in argv); oauthctl's client secret is not passed on." \
    "oauthctl exec demo -- sh -c 'echo \"child: OAUTHCTL_ACCESS_TOKEN has \${#OAUTHCTL_ACCESS_TOKEN} characters, OAUTHCTL_CLIENT_SECRET has \${#OAUTHCTL_CLIENT_SECRET}\"'"
run "Plan a hand-over to Blaxel (an integration connection and an MCP server): --dry-run prints the requests with secrets redacted and sends nothing. Workspace and integration are stand-ins and no Blaxel key is set, so expect two warnings: a real run needs Blaxel credentials, and this provider rotates refresh tokens." \
    'oauthctl push blaxel demo --dry-run --workspace try-local-example --integration gmail'
run "Revoke the credential at the provider (its RFC 7009 revocation endpoint) and forget it locally." \
    'oauthctl logout demo'

revocations="$(python3 - "$issuer/__admin/stats" <<'PY' 2>/dev/null || echo '?'
import json, sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
print(json.load(opener.open(sys.argv[1], timeout=5))["revocations"])
PY
)"
say ""
say "The test server received $revocations revocation request(s)."
say "Done in $((SECONDS - started))s: connect, status, token, exec, push blaxel --dry-run and logout all worked."
