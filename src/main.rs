//! The `samstyr` binary: parse flags, run the command, map its outcome to an exit code.

fn main() -> std::process::ExitCode {
    samstyr::cli::main()
}
