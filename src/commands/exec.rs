//! `oauthctl exec TARGET -- CMD…`: CMD runs with a fresh token in its environment (never in argv),
//! and each extra of the credential as `OAUTHCTL_<NAME>`. oauthctl's own secrets are not passed
//! on. On Unix oauthctl replaces itself with CMD, so stdio, exit code and signals are CMD's own.

use std::process::{Command, ExitCode};

use crate::cli::ExecArgs;
use crate::context::Ctx;
use crate::credentials::{self, Want};
use crate::error::{Error, Result};
use crate::oauth::browser::SECRET_VARS;

/// `OAUTHCTL_` and the extra's name in upper case, other characters as `_`.
pub fn extra_var(name: &str) -> String {
    let tail: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
    format!("OAUTHCTL_{tail}")
}

pub fn run(ctx: &Ctx, args: &ExecArgs) -> Result<ExitCode> {
    if args.env_name.is_empty() || args.env_name.contains(['=', '\0']) {
        return Err(Error::usage(format!("--env {:?} is not a usable variable name", args.env_name)));
    }
    let want = Want { min_valid: args.min_valid, force: false, token: args.token.as_deref() };
    let (entry, record) = super::token::fresh(ctx, &args.target, &want, args.allow_stale)?;
    let t = credentials::token_of(&record, args.token.as_deref())?;
    super::token::printable(&entry.key(), t.access_token.expose())?;
    let (program, rest) = args.command.split_first().expect("clap requires a command");
    let mut cmd = Command::new(program);
    cmd.args(rest);
    for var in SECRET_VARS {
        cmd.env_remove(var);
    }
    for (name, value) in &record.extras {
        let text = value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string());
        cmd.env(extra_var(name), text);
    }
    cmd.env(&args.env_name, t.access_token.expose());
    let not_started = |e: std::io::Error| {
        let code = if e.kind() == std::io::ErrorKind::NotFound { 127 } else { 126 };
        (code, format!("cannot run {}: {e}", program.to_string_lossy()))
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let (code, msg) = not_started(cmd.exec());
        ctx.ui.error(&Error::other(msg));
        Ok(ExitCode::from(code))
    }
    #[cfg(not(unix))]
    {
        match cmd.status() {
            Ok(status) => Ok(ExitCode::from(status.code().unwrap_or(1).clamp(0, 255) as u8)),
            Err(e) => {
                let (code, msg) = not_started(e);
                ctx.ui.error(&Error::other(msg));
                Ok(ExitCode::from(code))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn extras_become_upper_case_variables() {
        assert_eq!(super::extra_var("instance_url"), "OAUTHCTL_INSTANCE_URL");
        assert_eq!(super::extra_var("team.id"), "OAUTHCTL_TEAM_ID");
    }
}
