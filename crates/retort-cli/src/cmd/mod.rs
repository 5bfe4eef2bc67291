//! The subcommands. Each lives in its own module with its clap arguments and its `run`.

mod check;
pub(crate) mod diff;
mod history;
mod inspect;
mod run;

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
    /// Create a project here: retort.toml, schema/ and migrations/.
    Init(history::InitArgs),
    /// Write a new revision: the migration from the history's head (or the database) to
    /// schema/.
    Revision(history::RevisionArgs),
    /// Apply revisions: up to the head, a revision, or the next N (+N).
    Upgrade(run::UpgradeArgs),
    /// Undo revisions: the last N (-N), back to a revision, or all (base).
    Downgrade(run::DowngradeArgs),
    /// Show the revision the database is at.
    Current(run::CurrentArgs),
    /// List the revisions, newest first.
    History(history::HistoryArgs),
    /// List the revisions no other revision follows.
    Heads(history::HeadsArgs),
    /// Show one revision and its file.
    Show(history::ShowArgs),
    /// Record the revision the database is at, without running anything.
    Stamp(run::StampArgs),
    /// Write a revision that joins every head of a branched history.
    Merge(history::MergeArgs),
    /// Write migrations/retort.sum for the files as they are (after a reviewed edit).
    Hash(history::HashArgs),
    /// Check for drift: the history against schema/, or a database against either (exit 1
    /// when they differ).
    Check(check::CheckArgs),
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

impl Cli {
    /// Whether every error of the command is exit code 2 (its exit code 1 means something
    /// else: drift found).
    pub fn errors_are_usage(&self) -> bool {
        matches!(self.command, Command::Check(_))
    }
}

/// Runs the parsed command; its exit code when it succeeds.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let done = match cli.command {
        Command::Check(args) => return check::run(args).await,
        Command::Inspect(args) => inspect::run(args).await,
        Command::Diff(args) => diff::run(args).await,
        Command::Init(args) => history::init(args),
        Command::Revision(args) => history::revision(args).await,
        Command::Upgrade(args) => run::upgrade(args).await,
        Command::Downgrade(args) => run::downgrade(args).await,
        Command::Current(args) => run::current(args).await,
        Command::History(args) => history::history(args),
        Command::Heads(args) => history::heads(args),
        Command::Show(args) => history::show(args),
        Command::Stamp(args) => run::stamp(args).await,
        Command::Merge(args) => history::merge(args),
        Command::Hash(args) => history::hash(args),
    };
    done.map(|()| ExitCode::SUCCESS)
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
