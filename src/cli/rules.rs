//! `samstyr rules …` (not yet built).

use super::Exit;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List the rules
    List,
}

pub fn run(_cmd: &Command) -> Exit {
    eprintln!("samstyr: `rules` is not built yet");
    Exit::Invalid
}
