//! `oauthctl exec TARGET -- CMD…`: CMD runs with a fresh token in its environment (never in argv).
//! On Unix oauthctl replaces itself with CMD, so stdio, exit code and signals are CMD's own.

use std::process::{Command, ExitCode};

use super::Ctx;
use crate::cli::ExecArgs;
use crate::credentials;
use crate::error::{Error, Result};

pub fn run(ctx: &Ctx, args: &ExecArgs) -> Result<ExitCode> {
    if args.env_name.is_empty() || args.env_name.contains(['=', '\0']) {
        return Err(Error::usage(format!("--env {:?} is not a usable variable name", args.env_name)));
    }
    let (entry, provider) = credentials::find(&ctx.config_dir, &ctx.catalog()?, &args.target)?;
    let (record, _) = credentials::ensure_fresh(ctx.stores(), ctx.http(), &provider, &entry, args.min_valid, false)?;
    let (program, rest) = args.command.split_first().expect("clap requires a command");
    let mut cmd = Command::new(program);
    cmd.args(rest).env(&args.env_name, record.access_token.expose());
    let not_started = |e: std::io::Error| {
        let code = if e.kind() == std::io::ErrorKind::NotFound { 127 } else { 126 };
        (code, format!("cannot run {}: {e}", program.to_string_lossy()))
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let (code, msg) = not_started(cmd.exec());
        eprintln!("error: {msg}");
        Ok(ExitCode::from(code))
    }
    #[cfg(not(unix))]
    {
        match cmd.status() {
            Ok(status) => Ok(ExitCode::from(status.code().unwrap_or(1).clamp(0, 255) as u8)),
            Err(e) => {
                let (code, msg) = not_started(e);
                eprintln!("error: {msg}");
                Ok(ExitCode::from(code))
            }
        }
    }
}
