//! The `samstyr` binary: parse flags, run the command, map its outcome to an exit code.

fn main() -> std::process::ExitCode {
    samstyr::cli::main()
}

// Batches allocate per document on worker threads and free elsewhere; glibc's allocator made that
// cross-thread traffic a third of a `report` run (ARCHITECTURE.md, BENCHMARKS.md).
#[global_allocator]
static GLOBAL: Allocator = Allocator;

/// mimalloc, asked for alignment only when a layout needs more than every block has.
///
/// `mimalloc::MiMalloc` passes every request to `mi_malloc_aligned`, whose fast path gives up
/// whenever the page's free list is empty and then costs about 160 instructions instead of 20:
/// 58 000 times on 5 000 documents (BENCHMARKS.md). Every mimalloc block is aligned to at least
/// a word, so layouts that ask for no more take the plain calls.
struct Allocator;

const WORD: usize = std::mem::size_of::<usize>();

// SAFETY: each call keeps `GlobalAlloc`'s contract by passing it on to mimalloc: a layout whose
// alignment is at most a word gets a block from `mi_malloc`/`mi_zalloc`/`mi_realloc`, which are
// word-aligned; any other goes to `MiMalloc`, which asks for the alignment. `mi_free` frees
// blocks from both.
unsafe impl std::alloc::GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.align() <= WORD {
            // SAFETY: see the impl.
            unsafe { libmimalloc_sys::mi_malloc(layout.size()).cast() }
        } else {
            // SAFETY: the caller's layout is passed on unchanged.
            unsafe { mimalloc::MiMalloc.alloc(layout) }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.align() <= WORD {
            // SAFETY: see the impl.
            unsafe { libmimalloc_sys::mi_zalloc(layout.size()).cast() }
        } else {
            // SAFETY: the caller's layout is passed on unchanged.
            unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        // SAFETY: `ptr` came from this allocator, so from mimalloc.
        unsafe { libmimalloc_sys::mi_free(ptr.cast()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= WORD {
            // SAFETY: `ptr` came from mimalloc; the new block is word-aligned like the old one.
            unsafe { libmimalloc_sys::mi_realloc(ptr.cast(), new_size).cast() }
        } else {
            // SAFETY: the caller's arguments are passed on unchanged.
            unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
        }
    }
}
