//! The `fairaudit` command: parses arguments and hands them to the engine.

mod cli;
mod commands;
mod showcase;

use clap::Parser;

fn main() {
    std::process::exit(commands::run(cli::Cli::parse()));
}
