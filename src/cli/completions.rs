//! `samstyr completions bash|zsh|fish|…`: the shell completion script, generated from the same
//! clap definition the binary parses with, so it never falls behind the flags.

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub fn run(args: &Args, cmd: clap::Command) -> Exit {
    let mut cmd = cmd;
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "samstyr", &mut out);
    super::common::out(&String::from_utf8_lossy(&out));
    Exit::Ok
}
