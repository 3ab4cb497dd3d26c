//! The real authorization server (node oidc-provider, tests/fixtures/oidc/server.mjs), started per
//! test on a free loopback port and stopped by PID, with its admin API and the scripted browser.

#![allow(dead_code)]

use crate::util::{self, Env, Proc};

pub struct Oidc {
    pub issuer: String,
    pub port: u16,
    _proc: Proc,
}

#[derive(Clone, Copy)]
pub enum Client {
    Post,
    Basic,
    Public,
}

impl Client {
    fn id(self) -> &'static str {
        match self {
            Client::Post => "conf-post",
            Client::Basic => "conf-basic",
            Client::Public => "public-app",
        }
    }
    fn secret(self) -> Option<&'static str> {
        match self {
            Client::Post => Some("conf-post-secret"),
            Client::Basic => Some("conf-basic-secret"),
            Client::Public => None,
        }
    }
    fn auth(self) -> &'static str {
        match self {
            Client::Post => "client_secret_post",
            Client::Basic => "client_secret_basic",
            Client::Public => "none",
        }
    }
}

impl Oidc {
    pub fn start() -> Option<Self> {
        Self::start_with(&[])
    }

    /// With the fixture's opt-in features: `--device-flow`, `--registration`, `--issuer-path P`, …
    pub fn start_with(args: &[&str]) -> Option<Self> {
        let (proc, ready) = util::node_fixture(&["oidc", "server.mjs"], args)?;
        Some(Oidc {
            issuer: ready["issuer"].as_str().unwrap().to_string(),
            port: ready["port"].as_u64().unwrap() as u16,
            _proc: proc,
        })
    }

    /// Points the built-in `gmail` entry at this server (keeping its other fields) and gives the
    /// environment the client's credentials and the scripted browser.
    pub fn configure(&self, env: &mut Env, client: Client) {
        let i = &self.issuer;
        env.write_providers(&format!(
            "[providers.gmail]\nauthorization_url = \"{i}/auth\"\ntoken_url = \"{i}/token\"\nrevocation_url = \"{i}/token/revocation\"\n\
             userinfo_url = \"{i}/me\"\nissuer = \"{i}\"\nscopes = [\"openid\", \"email\", \"profile\", \"mail.send\"]\n\
             token_auth = \"{}\"\nrotates_refresh_tokens = true\n",
            client.auth()
        ));
        env.set("OAUTHCTL_CLIENT_ID", client.id());
        if let Some(s) = client.secret() {
            env.set("OAUTHCTL_CLIENT_SECRET", s);
        }
        env.scripted_browser();
    }

    pub fn admin(&self, method: &str, path: &str, body: Option<serde_json::Value>) -> serde_json::Value {
        let url = format!("{}/__admin/{path}", self.issuer);
        let agent: ureq::Agent = ureq::Agent::config_builder().proxy(None).build().into();
        let result = match method {
            "GET" => agent.get(&url).call(),
            _ => agent
                .post(&url)
                .header("Content-Type", "application/json")
                .send(body.map(|b| b.to_string()).unwrap_or_else(|| "{}".into())),
        };
        let text = result.unwrap_or_else(|e| panic!("admin {path}: {e}")).body_mut().read_to_string().unwrap();
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
    }

    pub fn stats(&self) -> serde_json::Value {
        self.admin("GET", "stats", None)
    }

    pub fn refreshes(&self) -> u64 {
        self.stats()["token_requests"]["refresh_token"].as_u64().unwrap_or(0)
    }

    pub fn reset(&self) {
        self.admin("POST", "reset", None);
    }

    pub fn config(&self, body: serde_json::Value) {
        self.admin("POST", "config", Some(body));
    }
}

/// Runs `oauthctl connect gmail` through the scripted browser; returns the --json report.
pub fn connect(env: &Env, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["connect", "gmail", "--json", "--port", "0", "--timeout", "60"];
    args.extend_from_slice(extra);
    let out = env.run(&args);
    out.expect_code(0);
    out.json()
}
