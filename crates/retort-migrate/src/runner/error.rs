//! What can go wrong while running revisions. Every message starts with one line that stands on
//! its own (`file:line:column: message` for a failed statement, as exact mode reports a failed
//! schema file); details, each on its own line, follow.

use retort_introspect::position::locate;
use std::fmt;

use tokio_postgres::error::ErrorPosition;

use super::{Direction, State};
use crate::script::Statement;

/// Why [`super::Runner`] (or [`super::read_applied`]) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// A statement of a migration file failed; its segment's transaction was rolled back.
    #[error("{0}")]
    Statement(Box<StatementError>),
    /// The transaction of a segment failed at `COMMIT` (a deferred constraint, a serialization
    /// failure); it was rolled back.
    #[error("{0}")]
    Commit(Box<CommitError>),
    /// The connection to the server broke while a revision was running.
    #[error("{}", connection_lost(self))]
    ConnectionLost {
        revision: String,
        file: String,
        direction: Direction,
        /// 1-based segment that was running.
        segment: usize,
        segments: usize,
        /// Whether that segment ran in a transaction (then it was rolled back).
        transactional: bool,
        reason: String,
    },
    /// A revision was partly run from another version of its file.
    #[error(
        "{file} changed since revision {revision} was partly run: cannot resume its {direction}\nrecorded checksum: {recorded}\nfile checksum:     {found}\nrestore the file as it was when the {direction} started, or finish the partial run by hand and record the result with `retort stamp`"
    )]
    ChecksumMismatch {
        revision: String,
        file: String,
        direction: Direction,
        recorded: String,
        found: String,
    },
    /// The version table says a resumed section has another number of segments than the file.
    #[error(
        "revision {revision} ({file}) was partly run with {recorded} segments, but its {section} section now has {found}: cannot resume\nfinish the partial run by hand and record the result with `retort stamp`",
        section = direction.section()
    )]
    SegmentsChanged {
        revision: String,
        file: String,
        direction: Direction,
        recorded: usize,
        found: usize,
    },
    /// Up of a revision the version table records as applied.
    #[error("revision {revision} ({file}) is already applied")]
    AlreadyApplied { revision: String, file: String },
    /// Down (or unstamp) of a revision the version table does not record.
    #[error("revision {revision}{} is not applied", in_file(.file))]
    NotApplied {
        revision: String,
        /// None for [`super::Runner::unstamp`], which is given only an id.
        file: Option<String>,
    },
    /// The revision was interrupted in the other direction.
    #[error("{}", partial(self))]
    Partial {
        revision: String,
        file: String,
        /// What the version table records.
        state: State,
        segments_done: usize,
        segments_total: usize,
        /// What was asked.
        direction: Direction,
    },
    /// One of the runner's own statements failed: taking the lock, creating, reading or writing
    /// the version table.
    #[error("{action}: {message}{}", code_details(.code, &None, &None))]
    Database {
        /// What was being done (`reading the version table public.retort_version`).
        action: String,
        message: String,
        code: Option<String>,
    },
    /// A row of the version table holds something the runner does not write.
    #[error("version table {table}: {message}")]
    BadRow { table: String, message: String },
}

/// A segment's transaction that failed at `COMMIT`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{file}:{line}: {message}\nthe transaction of the statements from line {line} to line {last_line} failed at COMMIT while {gerund} {revision} and was rolled back{}",
    code_details(.code, .detail, .hint),
    gerund = direction.gerund()
)]
pub struct CommitError {
    pub revision: String,
    pub file: String,
    pub direction: Direction,
    /// Line of the segment's first statement.
    pub line: usize,
    /// Line of the segment's last statement.
    pub last_line: usize,
    pub message: String,
    pub code: Option<String>,
    pub detail: Option<String>,
    pub hint: Option<String>,
}

/// A failed statement, located in its migration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementError {
    pub revision: String,
    pub file: String,
    pub direction: Direction,
    /// 1-based line of the file where the statement starts.
    pub statement_line: usize,
    /// The statement's first line, as written.
    pub statement: String,
    /// 1-based line of the file where PostgreSQL places the error, when it reported a position.
    pub line: Option<usize>,
    /// 1-based column (in characters) of that position. On the statement's first line it is
    /// counted from where the statement starts.
    pub column: Option<usize>,
    /// PostgreSQL's primary message (or the client's, when the server sent none).
    pub message: String,
    /// The five-character SQLSTATE, when the server reported the error.
    pub code: Option<String>,
    pub detail: Option<String>,
    pub hint: Option<String>,
    /// PostgreSQL's `CONTEXT`.
    pub context: Option<String>,
    /// The line at the error position and a caret under its column; or, for a position inside
    /// a query PostgreSQL built (a function body it checked), that query's line.
    pub excerpt: Option<String>,
    /// Whether the statement ran in a transaction, which was rolled back.
    pub transactional: bool,
}

impl fmt::Display for StatementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => {
                write!(f, "{}:{line}:{column}: {}", self.file, self.message)?;
            }
            _ => write!(f, "{}:{}: {}", self.file, self.statement_line, self.message)?,
        }
        write!(
            f,
            "\nstatement at line {}: {}",
            self.statement_line, self.statement
        )?;
        if let Some(excerpt) = &self.excerpt {
            write!(f, "\n{excerpt}")?;
        }
        f.write_str(&code_details(&self.code, &self.detail, &self.hint))?;
        if let Some(context) = &self.context {
            write!(f, "\nCONTEXT: {context}")?;
        }
        if self.transactional {
            write!(
                f,
                "\nwhile {} {}: its transaction was rolled back, the version table is unchanged",
                self.direction.gerund(),
                self.revision
            )
        } else {
            write!(
                f,
                "\nwhile {} {}: the statement ran alone, outside a transaction; segments before it stay recorded as done",
                self.direction.gerund(),
                self.revision
            )
        }
    }
}

impl StatementError {
    /// Locates `err`, which `statement` of `revision`'s `file` raised.
    pub(crate) fn new(
        revision: &str,
        file: &str,
        direction: Direction,
        statement: &Statement,
        transactional: bool,
        err: &tokio_postgres::Error,
    ) -> StatementError {
        let mut out = StatementError {
            revision: revision.to_owned(),
            file: file.to_owned(),
            direction,
            statement_line: statement.line,
            statement: first_line(&statement.text).to_owned(),
            line: None,
            column: None,
            message: err.to_string(),
            code: None,
            detail: None,
            hint: None,
            context: None,
            excerpt: None,
            transactional,
        };
        let Some(db) = err.as_db_error() else {
            return out;
        };
        out.message = db.message().to_owned();
        out.code = Some(db.code().code().to_owned());
        out.detail = db.detail().map(str::to_owned);
        out.hint = db.hint().map(str::to_owned);
        out.context = db.where_().map(str::to_owned);
        match db.position() {
            Some(ErrorPosition::Original(position)) => {
                if let Some(at) = locate(&statement.text, *position as usize) {
                    out.line = Some(statement.line + at.line - 1);
                    out.column = Some(at.column);
                    out.excerpt = Some(at.excerpt());
                }
            }
            Some(ErrorPosition::Internal { position, query }) => {
                out.excerpt = locate(query, *position as usize)
                    .map(|at| format!("in the query PostgreSQL ran:\n{}", at.excerpt()));
            }
            None => {}
        }
        out
    }
}

fn first_line(text: &str) -> &str {
    let line = text.lines().next().unwrap_or_default();
    line.strip_suffix('\r').unwrap_or(line)
}

fn code_details(code: &Option<String>, detail: &Option<String>, hint: &Option<String>) -> String {
    let mut out = String::new();
    if let Some(code) = code {
        out.push_str(&format!("\nSQLSTATE: {code}"));
    }
    if let Some(detail) = detail {
        out.push_str(&format!("\nDETAIL: {detail}"));
    }
    if let Some(hint) = hint {
        out.push_str(&format!("\nHINT: {hint}"));
    }
    out
}

fn in_file(file: &Option<String>) -> String {
    match file {
        Some(file) => format!(" ({file})"),
        None => String::new(),
    }
}

fn connection_lost(err: &RunError) -> String {
    let RunError::ConnectionLost {
        revision,
        file,
        direction,
        segment,
        segments,
        transactional,
        reason,
    } = err
    else {
        return String::new();
    };
    let done = segment.saturating_sub(1);
    let mut out = format!(
        "lost the connection to the server while {} {revision} ({file}), segment {segment} of {segments}: {reason}",
        direction.gerund()
    );
    if *transactional {
        out.push_str(&format!(
            "\nthe segment's transaction was rolled back; {done} of {segments} segments are recorded as done"
        ));
    } else {
        out.push_str(&format!(
            "\nthe segment's statement ran outside a transaction and may have completed (then running it again may fail: check the database); {done} of {segments} segments are recorded as done"
        ));
    }
    out.push_str(&format!(
        "\nrun `retort {direction}` again to resume at segment {segment}"
    ));
    out
}

fn partial(err: &RunError) -> String {
    let RunError::Partial {
        revision,
        file,
        state,
        segments_done,
        segments_total,
        direction,
    } = err
    else {
        return String::new();
    };
    let finish = match state {
        State::Upgrading => "upgrade",
        State::Downgrading | State::Applied => "downgrade",
    };
    format!(
        "revision {revision} ({file}) is partly {}: {segments_done} of {segments_total} segments done; cannot {direction} it\nrun `retort {finish}` to finish it first",
        match state {
            State::Upgrading => "upgraded",
            State::Downgrading | State::Applied => "downgraded",
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_become_lines_and_columns_in_characters() {
        let at = |sql: &str, p: usize| locate(sql, p).map(|l| (l.line, l.column, l.text));
        assert_eq!(at("SELEC 1", 1), Some((1, 1, "SELEC 1".to_owned())));
        assert_eq!(
            at("SELECT 'é',\r\n  nope FROM t", 16),
            Some((2, 3, "  nope FROM t".to_owned()))
        );
        assert_eq!(at("SELECT", 7), Some((1, 7, "SELECT".to_owned())));
        assert_eq!(at("SELECT", 8), None);
        assert_eq!(at("SELECT", 0), None);
    }

    #[test]
    fn the_caret_lines_up_under_tabs() {
        let loc = locate("\tSELECT nope", 9).map(|l| l.excerpt());
        assert_eq!(loc.as_deref(), Some("\tSELECT nope\n\t       ^"));
    }
}
