//! oauthctl: parse the command line, run the command, print an error once, exit with its code.

mod cli;
mod clock;
mod commands;
mod credentials;
mod error;
mod http;
mod oauth;
mod output;
mod providers;
mod push;
mod secret;
mod store;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let g = &cli.global;
    let ui = output::Ui::new(g.json, g.quiet, g.verbose, g.no_input);
    match commands::run(&cli, &ui) {
        Ok(code) => code,
        Err(e) => {
            let prefix = ui.paint("error:", "1;31");
            eprintln!("{prefix} {}", e.message);
            if let Some(hint) = &e.hint {
                eprintln!("{} {hint}", ui.paint("hint:", "36"));
            }
            e.exit_code()
        }
    }
}
