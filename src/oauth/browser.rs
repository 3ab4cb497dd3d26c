//! Opening the authorization URL: `$BROWSER` when set (as gh, git and Python honour it), else the
//! platform opener. The browser's own output never reaches our stdout.

use std::process::{Command, Stdio};

/// Starts the browser and returns at once; `Err` says why it could not be started.
pub fn open(url: &str) -> Result<String, String> {
    match std::env::var("BROWSER").ok().filter(|b| !b.trim().is_empty()) {
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
            let stderr = if crate::output::verbose() { Stdio::inherit() } else { Stdio::null() };
            Command::new(&program)
                .args(&words)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(stderr)
                .spawn()
                .map(|_| format!("$BROWSER ({program})"))
                .map_err(|e| format!("$BROWSER ({program}) could not be started: {e}"))
        }
        None => open::that_detached(url)
            .map(|()| "the default browser".to_string())
            .map_err(|e| format!("no browser could be opened: {e}")),
    }
}
