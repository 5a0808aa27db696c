//! The `kotae` binary: parse arguments, run, exit with a meaningful code.
//!
//! mimalloc is the global allocator: analysis and query building allocate many
//! small short-lived values, and it serves them markedly faster than the system
//! allocator (see the README's performance section).

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    kotae::cli::main()
}
