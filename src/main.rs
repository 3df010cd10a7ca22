//! The `samstyr` binary: parse flags, run the command, map its outcome to an exit code.

fn main() -> std::process::ExitCode {
    samstyr::cli::main()
}

// Batches allocate per document on worker threads and free elsewhere; glibc's allocator made that
// cross-thread traffic a third of a `report` run (ARCHITECTURE.md, BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
