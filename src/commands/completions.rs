//! `oauthctl completions SHELL`: the same text that is checked in under `completions/`.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;

pub fn run(args: &CompletionsArgs) -> Result<()> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "oauthctl", &mut buf);
    crate::output::print_stdout(&String::from_utf8_lossy(&buf))
}
