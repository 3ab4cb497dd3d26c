//! Opening the authorization URL: `$BROWSER` when set (as gh, git and Python honour it), else the
//! platform opener. The browser gets none of oauthctl's secrets in its environment, and its own
//! output never reaches our stdout.

use std::process::{Command, Stdio};

use crate::env::Env;

/// Variables that hold secrets and must not be inherited by programs oauthctl starts.
pub const SECRET_VARS: &[&str] =
    &["OAUTHCTL_CLIENT_SECRET", "BL_API_KEY", "BL_CLIENT_CREDENTIALS", "AIRBYTE_CLIENT_SECRET"];

/// Starts the browser and returns at once: how it was opened, or why it could not be.
pub fn open(url: &str, env: &Env, show_output: bool) -> Result<String, String> {
    let stderr = || if show_output { Stdio::inherit() } else { Stdio::null() };
    let spawn = |mut cmd: Command| {
        for var in SECRET_VARS {
            cmd.env_remove(var);
        }
        cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(stderr()).spawn().map(|_| ())
    };
    match env.get("BROWSER") {
        Some(spec) => {
            // Python's convention: a ':'-separated list, `%s` marks where the URL goes.
            let first = spec.split(':').find(|s| !s.trim().is_empty()).unwrap_or(&spec).trim().to_string();
            let mut words: Vec<String> = first.split_whitespace().map(str::to_string).collect();
            if words.iter().any(|w| w.contains("%s")) {
                words = words.into_iter().map(|w| w.replace("%s", url)).collect();
            } else {
                words.push(url.to_string());
            }
            let program = words.remove(0);
            let mut cmd = Command::new(&program);
            cmd.args(&words);
            spawn(cmd)
                .map(|()| format!("$BROWSER ({program})"))
                .map_err(|e| format!("$BROWSER ({program}) could not be started: {e}"))
        }
        None => {
            let mut last = String::from("no opener is known for this platform");
            for cmd in open::commands(url) {
                let name = cmd.get_program().to_string_lossy().into_owned();
                match spawn(cmd) {
                    Ok(()) => return Ok(format!("the default browser ({name})")),
                    Err(e) => last = format!("{name}: {e}"),
                }
            }
            Err(format!("no browser could be opened ({last})"))
        }
    }
}
