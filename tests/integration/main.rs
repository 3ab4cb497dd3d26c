//! oauthctl's integration tests, built into one binary: the real CLI in an isolated config dir,
//! against real peers (oidc-provider, gnome-keyring, Chromium) and small stubs for faults.

mod cli;
mod connect_faults;
mod device;
mod discovery;
mod e2e_connect;
mod hardening;
mod hosted;
mod imitate;
mod mcp;
mod oidc;
mod push_airbyte;
mod push_blaxel;
mod push_support;
mod quirks;
mod stub;
mod tokens;
mod trial;
mod util;
