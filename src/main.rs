//! The `samstyr` binary: parse flags, run the command, map its outcome to an exit code.

fn main() -> std::process::ExitCode {
    samstyr::app::main()
}

// Batches allocate per document on worker threads and free elsewhere; mimalloc keeps that
// cross-thread traffic cheap (docs/performance.md). The hand-written shim that skipped its aligned
// entry points saved about 1 % of instructions and is gone with its `unsafe`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
