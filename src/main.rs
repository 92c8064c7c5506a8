//! The `fairaudit` command: parses arguments and hands them to the engine.

mod cli;

fn main() {
    fairaudit::tally::polars_engine::reserve_hot_groups();
    std::process::exit(cli::main());
}
