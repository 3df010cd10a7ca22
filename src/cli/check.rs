//! `samstyr check` (not yet built).

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: &Args) -> Exit {
    eprintln!("samstyr: `check` is not built yet");
    Exit::Invalid
}
