//! The `fairaudit` command: parses arguments and hands them to the engine.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
