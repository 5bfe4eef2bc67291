//! Turning errors into one line on stderr and an exit code.

use std::fmt;
use std::process::ExitCode;

use retort_declare::DeclareError;
use retort_introspect::conn::ConnError;
use retort_introspect::scratch::ScratchError;
use retort_migrate::config::ConfigError;
use retort_migrate::history::HistoryError;
use retort_migrate::replay::ReplayError;
use retort_migrate::runner::RunError;

/// Exit code of a usage, input or connection error (clap uses it for usage errors too).
pub const EXIT_USAGE: u8 = 2;
/// Exit code of a command that failed on valid input.
pub const EXIT_FAILURE: u8 = 1;

/// A problem with what the user gave us (arguments, URL, environment, database contents the
/// command cannot handle): exit code 2.
#[derive(Debug)]
pub struct InputError(pub String);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// Prints `error: <chain joined with ": ">` on one line and picks the exit code. An error at a
/// place in a file (a schema file that does not load) is followed by the offending line with a
/// caret under it.
pub fn failure(err: &anyhow::Error) -> ExitCode {
    // The first line of each error in the chain: some (a script error) go on to show the
    // offending text, which is printed apart below.
    let message = err
        .chain()
        .map(|cause| {
            cause
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join(": ");
    eprintln!("error: {}", one_line(&redact_urls(&message)));
    if let Some(excerpt) = source_excerpt(err) {
        eprintln!("{}", redact_urls(excerpt.trim_end()));
    }
    ExitCode::from(exit_code(err))
}

/// The offending text of an error located in a file, shown under the one-line message.
fn source_excerpt(err: &anyhow::Error) -> Option<String> {
    err.chain().find_map(|cause| {
        if let Some(DeclareError::Source(e)) = cause.downcast_ref::<DeclareError>() {
            return Some(e.render());
        }
        if let Some(ConfigError::Source(e)) = cause.downcast_ref::<ConfigError>() {
            return Some(e.render());
        }
        if let Some(ReplayError(e)) = cause.downcast_ref::<ReplayError>() {
            return Some(e.render());
        }
        if let Some(e) = cause.downcast_ref::<RunError>() {
            // The first line is the message; the statement, the caret, PostgreSQL's details
            // and what became of the transaction follow.
            let text = e.to_string();
            return text.split_once('\n').map(|(_, rest)| rest.to_owned());
        }
        if let Some(ScratchError::Script(e)) = cause.downcast_ref::<ScratchError>() {
            // Its display is the located message, then the line, caret and details.
            let text = e.to_string();
            return text.split_once('\n').map(|(_, rest)| rest.to_owned());
        }
        None
    })
}

/// 2 when any error in the chain is an input or connection error, else 1.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    let is_input = err.chain().any(|cause| {
        cause.is::<InputError>()
            || cause.is::<ConnError>()
            || cause.is::<DeclareError>()
            || cause.is::<ConfigError>()
            || cause.is::<HistoryError>()
            || cause.is::<ReplayError>()
            || matches!(
                cause.downcast_ref::<ScratchError>(),
                Some(
                    ScratchError::Script(_)
                        | ScratchError::Connect(_)
                        | ScratchError::CreateDatabase { .. }
                        | ScratchError::UnsupportedServer { .. }
                )
            )
    });
    if is_input { EXIT_USAGE } else { EXIT_FAILURE }
}

/// Collapses every run of whitespace, newlines included, into one space.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Hides the password of every `scheme://user:password@...` URL in `text`, for text that may
/// echo user input (clap's messages do). A URL runs to the next whitespace or quote; its user
/// info ends at its last '@', so passwords with unencoded delimiters are hidden whole.
pub fn redact_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        let end = after
            .find(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '`'))
            .unwrap_or(after.len());
        let (token, tail) = after.split_at(end);
        match (token.find(':'), token.rfind('@')) {
            (Some(colon), Some(last_at)) if colon < last_at => {
                out.push_str(&token[..=colon]);
                out.push_str("***");
                out.push_str(&token[last_at..]);
            }
            _ => out.push_str(token),
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// One write, so a failure never leaves partial output. A closed pipe (`retort inspect | head`)
/// is not an error.
pub fn write_stdout(text: &str) -> anyhow::Result<()> {
    use anyhow::Context as _;
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(e).context("writing to standard output"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_passwords() {
        assert_eq!(
            redact_urls("unexpected argument 'postgres://u:p/w@d@h:5/db?x=1' found"),
            "unexpected argument 'postgres://u:***@h:5/db?x=1' found"
        );
        assert_eq!(
            redact_urls("a postgres://u@h/db b mysql://x:y@z c"),
            "a postgres://u@h/db b mysql://x:***@z c"
        );
        assert_eq!(redact_urls("postgres://h:5432/db"), "postgres://h:5432/db");
        assert_eq!(redact_urls("no url here"), "no url here");
        assert_eq!(redact_urls("trailing ://"), "trailing ://");
    }

    #[test]
    fn exit_codes() {
        let input = anyhow::Error::new(InputError("no database URL".into())).context("inspect");
        assert_eq!(exit_code(&input), EXIT_USAGE);
        let conn = anyhow::Error::new(ConnError::InvalidUrl("invalid port".into()));
        assert_eq!(exit_code(&conn), EXIT_USAGE);
        assert_eq!(exit_code(&anyhow::anyhow!("render failed")), EXIT_FAILURE);
    }

    #[test]
    fn one_line_collapses_newlines() {
        assert_eq!(one_line("a\nb  c\n"), "a b c");
    }
}
