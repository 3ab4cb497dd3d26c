//! oauthctl: connect accounts at OAuth providers to the programs that need them.
//!
//! The binary is `src/main.rs`; this library holds everything, so that tests and benchmarks can
//! run commands in-process ([`run`]) and seed stores through the store's own API.
//!
//! Layers, top down: `cli` (the command line) → `commands` (one module per command; talks to the
//! person through `output::Ui`) → `credentials` (using a stored credential; refresh under the
//! lock) → `oauth` (the protocol), `platforms` (hosted agent platforms), `providers` (the catalog,
//! the resolver, discovery), `store` (keyring, files, index) → `http`, `fsutil`, `redact`,
//! `secret`, `clock`, `env`. Layers below `commands` return typed errors; `error` maps them to
//! what the person sees.

pub mod cli;
pub mod clock;
mod commands;
pub mod context;
pub mod credentials;
pub mod env;
pub mod error;
pub mod fsutil;
pub mod http;
pub mod mcp;
pub mod oauth;
pub mod output;
pub mod platforms;
pub mod providers;
pub mod redact;
pub mod secret;
pub mod store;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

use crate::env::Env;
use crate::output::{Options, Ui};

/// Runs oauthctl with `args` (the program name first) in `env`, printing through the [`Ui`] that
/// `ui` makes from the global flags. Returns the exit code.
pub fn run(args: impl IntoIterator<Item = OsString>, env: Env, ui: impl FnOnce(Options) -> Ui) -> ExitCode {
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let ui = ui(Options::default());
            let text = e.render().to_string();
            if e.use_stderr() {
                ui.error_text(&text);
            } else {
                let _ = ui.data(&text);
            }
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    let g = &cli.global;
    let ui = ui(Options { json: g.json, quiet: g.quiet, verbose: g.verbose, no_input: g.no_input });
    let result = context::Ctx::new(ui.clone(), env, g.store.map(Into::into)).and_then(|ctx| commands::run(&cli, &ctx));
    match result {
        Ok(code) => code,
        Err(e) => {
            ui.error(&e);
            e.exit_code()
        }
    }
}

/// The binary's entry point: the process's own arguments, environment and terminal.
pub fn main() -> ExitCode {
    protect_process();
    let env = Env::process();
    let term_env = env.clone();
    run(std::env::args_os(), env, move |opts| Ui::terminal(opts, &term_env))
}

/// A core dump would hold every secret this process saw: none is written (RLIMIT_CORE 0), and on
/// Linux the process is not dumpable (which also keeps other processes of the user from attaching
/// a debugger to read its memory).
fn protect_process() {
    #[cfg(unix)]
    {
        let zero = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: setrlimit with a valid struct; failure only leaves the limit as it was.
        unsafe { libc::setrlimit(libc::RLIMIT_CORE, &zero) };
    }
    #[cfg(target_os = "linux")]
    // SAFETY: prctl(PR_SET_DUMPABLE, 0) takes no pointers.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}
