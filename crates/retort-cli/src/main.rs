//! `retort`: PostgreSQL schema diffs and migrations from the command line.
//!
//! Exit codes: 0 success; 1 the command failed on valid input; 2 a usage, input or connection
//! error. Errors are one line on stderr, `error: <message>`, and never contain a password.

mod cmd;
mod declared;
mod drift;
mod project;
mod report;
mod source;

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cmd::parse_args() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return report::failure(&anyhow::Error::new(e).context("cannot start")),
    };
    let usage = cli.errors_are_usage();
    match runtime.block_on(cmd::run(cli)) {
        Ok(code) => code,
        Err(err) => {
            let code = report::failure(&err);
            if usage {
                ExitCode::from(report::EXIT_USAGE)
            } else {
                code
            }
        }
    }
}
