//! `oauthctl completions SHELL`: the same text that is checked in under `completions/`.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::context::Ctx;
use crate::error::Result;

pub fn run(ctx: &Ctx, args: &CompletionsArgs) -> Result<()> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "oauthctl", &mut buf);
    ctx.ui.data(&String::from_utf8_lossy(&buf))
}
