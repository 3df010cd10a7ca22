//! `samstyr report` (not yet built).

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: &Args) -> Exit {
    eprintln!("samstyr: `report` is not built yet");
    Exit::Invalid
}
