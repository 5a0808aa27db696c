//! The `kotae` binary: parse arguments, run, exit with a meaningful code.

fn main() -> std::process::ExitCode {
    kotae::cli::main()
}
