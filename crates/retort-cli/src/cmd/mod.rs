//! The subcommands. Each lives in its own module with its clap arguments and its `run`.

mod diff;
mod inspect;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::report::redact_urls;

/// PostgreSQL schema diffs and migrations.
#[derive(Debug, Parser)]
#[command(name = "retort", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read the schema of a live database and print it as SQL or JSON.
    Inspect(inspect::Args),
    /// Print the migration from one schema (database or schema files) to another.
    Diff(diff::Args),
}

/// Parses the command line. Help and version go to stdout (exit 0); usage errors go to stderr
/// with any URL password hidden (exit 2).
pub fn parse_args() -> Result<Cli, ExitCode> {
    match Cli::try_parse() {
        Ok(cli) => Ok(cli),
        Err(err) if err.use_stderr() => {
            eprint!("{}", redact_urls(&err.render().to_string()));
            Err(ExitCode::from(
                u8::try_from(err.exit_code()).unwrap_or(crate::report::EXIT_USAGE),
            ))
        }
        Err(err) => {
            // --help, --version: clap prints them to stdout.
            let _ = err.print();
            Err(ExitCode::SUCCESS)
        }
    }
}

/// Runs the parsed command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Inspect(args) => inspect::run(args).await,
        Command::Diff(args) => diff::run(args).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
