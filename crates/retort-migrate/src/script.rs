//! One section of a migration file (its up or its down SQL) as the runner executes it: a list
//! of segments, each a list of statements with the line where it starts.
//!
//! The segments follow the file's own `BEGIN;` and `COMMIT;`, so that the runner does what psql
//! would do with the same text: statements between `BEGIN;` and `COMMIT;` run in one transaction;
//! a statement outside any such block runs alone, outside a transaction (`CREATE INDEX
//! CONCURRENTLY`, `ALTER TYPE … ADD VALUE` before PostgreSQL 12). A section without any `BEGIN;`
//! (a hand-written one) is one transaction as a whole.

use retort_declare::sql::{PieceKind, split};

/// A problem in a section's text, at a line of the file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ScriptError {
    /// 1-based line in the file.
    pub line: usize,
    pub message: String,
}

/// A section's statements, grouped as they run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    pub segments: Vec<ScriptSegment>,
}

/// Statements that run together: in one transaction, or (non-transactional) one statement on
/// its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptSegment {
    pub transactional: bool,
    /// Never `BEGIN` or `COMMIT`: the runner opens and ends the transaction itself.
    pub statements: Vec<Statement>,
}

/// One statement as written, without its terminating `;`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub text: String,
    /// 1-based line of the file where the statement starts.
    pub line: usize,
}

impl Script {
    /// True when the section has no statement at all.
    pub fn is_empty(&self) -> bool {
        self.segments.iter().all(|s| s.statements.is_empty())
    }

    /// Every statement, in order.
    pub fn statements(&self) -> impl Iterator<Item = &Statement> {
        self.segments.iter().flat_map(|s| s.statements.iter())
    }

    /// Reads the section `text`, which starts at line `first_line` of its file. A psql `\q`
    /// line (the file's guard before its down section) is skipped; any other psql
    /// meta-command, `ROLLBACK`, nested `BEGIN` or a `BEGIN` without `COMMIT` is an error.
    pub fn parse(text: &str, first_line: usize) -> Result<Script, ScriptError> {
        let line_of = |offset: usize| first_line + text[..offset].matches('\n').count();
        let pieces = split(text).map_err(|e| ScriptError {
            line: line_of(e.span.start),
            message: e.message,
        })?;
        let mut statements: Vec<(Control, Statement)> = Vec::new();
        for piece in &pieces {
            let body = piece.text(text);
            let line = line_of(piece.span.start);
            match piece.kind {
                PieceKind::MetaCommand if is_quit(body) => {}
                PieceKind::MetaCommand => {
                    return Err(ScriptError {
                        line,
                        message: format!(
                            "psql meta-command `{}` cannot run outside psql",
                            body.trim()
                        ),
                    });
                }
                PieceKind::CopyData => {
                    return Err(ScriptError {
                        line,
                        message: "COPY … FROM stdin data cannot run outside psql".to_owned(),
                    });
                }
                PieceKind::Statement => statements.push((
                    control(body),
                    Statement {
                        text: body.to_owned(),
                        line,
                    },
                )),
            }
        }
        group(statements)
    }
}

/// Transaction control a statement is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Control {
    Begin,
    Commit,
    Rollback,
    /// Anything else.
    None,
}

fn group(statements: Vec<(Control, Statement)>) -> Result<Script, ScriptError> {
    let explicit = statements.iter().any(|(c, _)| *c == Control::Begin);
    if !explicit {
        if let Some((_, s)) = statements.iter().find(|(c, _)| *c != Control::None) {
            return Err(ScriptError {
                line: s.line,
                message: format!("`{}` without a BEGIN before it", first_word(&s.text)),
            });
        }
        let statements: Vec<Statement> = statements.into_iter().map(|(_, s)| s).collect();
        let segments = if statements.is_empty() {
            Vec::new()
        } else {
            vec![ScriptSegment {
                transactional: true,
                statements,
            }]
        };
        return Ok(Script { segments });
    }
    let mut segments = Vec::new();
    let mut open: Option<(usize, Vec<Statement>)> = None;
    for (control, statement) in statements {
        match (control, &mut open) {
            (Control::Begin, None) => open = Some((statement.line, Vec::new())),
            (Control::Begin, Some(_)) => {
                return Err(ScriptError {
                    line: statement.line,
                    message: "BEGIN inside a transaction block: COMMIT the one before first"
                        .to_owned(),
                });
            }
            (Control::Commit, Some(_)) => {
                if let Some((_, statements)) = open.take() {
                    segments.push(ScriptSegment {
                        transactional: true,
                        statements,
                    });
                }
            }
            (Control::Commit, None) => {
                return Err(ScriptError {
                    line: statement.line,
                    message: "COMMIT without a BEGIN before it".to_owned(),
                });
            }
            (Control::Rollback, _) => {
                return Err(ScriptError {
                    line: statement.line,
                    message: "ROLLBACK in a migration: a revision either applies or fails"
                        .to_owned(),
                });
            }
            (Control::None, Some((_, statements))) => statements.push(statement),
            (Control::None, None) => segments.push(ScriptSegment {
                transactional: false,
                statements: vec![statement],
            }),
        }
    }
    if let Some((line, _)) = open {
        return Err(ScriptError {
            line,
            message: "BEGIN without a COMMIT after it".to_owned(),
        });
    }
    segments.retain(|s| !s.statements.is_empty());
    Ok(Script { segments })
}

/// `\q` or `\quit`, psql's end of the file.
fn is_quit(line: &str) -> bool {
    matches!(line.trim(), "\\q" | "\\quit")
}

fn first_word(text: &str) -> &str {
    text.split_whitespace().next().unwrap_or_default()
}

/// `BEGIN [WORK | TRANSACTION] …`, `START TRANSACTION …`, `COMMIT`, `END`, `ROLLBACK`, `ABORT`
/// (a statement's first word decides: `BEGIN ATOMIC` only ever appears inside a function).
fn control(text: &str) -> Control {
    let mut words = text.split_whitespace().map(str::to_ascii_uppercase);
    match (words.next().as_deref(), words.next().as_deref()) {
        (Some("BEGIN"), _) | (Some("START"), Some("TRANSACTION")) => Control::Begin,
        (Some("COMMIT" | "END"), _) if !is_prepared(text) => Control::Commit,
        (Some("ROLLBACK" | "ABORT"), _) => Control::Rollback,
        _ => Control::None,
    }
}

/// `COMMIT PREPARED 'x'` is not the end of a block; it is left to the server (and refused in a
/// transaction).
fn is_prepared(text: &str) -> bool {
    text.split_whitespace()
        .nth(1)
        .is_some_and(|w| w.eq_ignore_ascii_case("prepared"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(script: &Script) -> Vec<(bool, Vec<(usize, String)>)> {
        script
            .segments
            .iter()
            .map(|s| {
                (
                    s.transactional,
                    s.statements
                        .iter()
                        .map(|st| (st.line, st.text.clone()))
                        .collect(),
                )
            })
            .collect()
    }

    fn parse(text: &str) -> Script {
        match Script::parse(text, 10) {
            Ok(script) => script,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn without_begin_the_section_is_one_transaction() {
        let script = parse("CREATE TABLE t (a int);\n-- note\nUPDATE t SET a = 1;\n");
        assert_eq!(
            shape(&script),
            vec![(
                true,
                vec![
                    (10, "CREATE TABLE t (a int)".to_owned()),
                    (12, "UPDATE t SET a = 1".to_owned())
                ]
            )]
        );
        assert!(parse("-- nothing\n").is_empty());
    }

    #[test]
    fn blocks_and_lone_statements_as_psql_runs_them() {
        let text = "BEGIN;\nALTER TYPE e ADD VALUE 'x';\nCOMMIT;\n\n\
                    CREATE INDEX CONCURRENTLY i ON t (a);\n\
                    begin transaction;\nSET LOCAL lock_timeout = '1s';\n\
                    CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC; SELECT 1; END;\n\
                    end;\n";
        let script = parse(text);
        let shape = shape(&script);
        assert_eq!(shape.len(), 3, "{shape:?}");
        assert_eq!(
            shape[0],
            (true, vec![(11, "ALTER TYPE e ADD VALUE 'x'".to_owned())])
        );
        assert_eq!(
            shape[1],
            (
                false,
                vec![(14, "CREATE INDEX CONCURRENTLY i ON t (a)".to_owned())]
            )
        );
        assert!(shape[2].0);
        assert_eq!(shape[2].1.len(), 2);
        assert!(shape[2].1[1].1.ends_with("END"), "{:?}", shape[2]);
    }

    #[test]
    fn the_psql_guard_is_skipped_and_other_meta_commands_refused() {
        let script = parse("\\q\nDROP TABLE t;\n");
        assert_eq!(script.statements().count(), 1);
        let err = Script::parse("SELECT 1;\n\\connect other\n", 1).map(|_| ());
        assert_eq!(
            err,
            Err(ScriptError {
                line: 2,
                message: "psql meta-command `\\connect other` cannot run outside psql".to_owned()
            })
        );
    }

    #[test]
    fn unbalanced_blocks_are_errors_at_their_line() {
        let err = |text: &str| match Script::parse(text, 1) {
            Ok(s) => panic!("parsed {s:?}"),
            Err(e) => e.to_string(),
        };
        assert_eq!(
            err("BEGIN;\nSELECT 1;\n"),
            "line 1: BEGIN without a COMMIT after it"
        );
        assert_eq!(
            err("BEGIN;\nBEGIN;\nCOMMIT;"),
            "line 2: BEGIN inside a transaction block: COMMIT the one before first"
        );
        assert_eq!(
            err("SELECT 1;\nCOMMIT;"),
            "line 2: `COMMIT` without a BEGIN before it"
        );
        assert_eq!(
            err("BEGIN;\nROLLBACK;"),
            "line 2: ROLLBACK in a migration: a revision either applies or fails"
        );
        assert_eq!(err("SELECT 'open;\n"), "line 1: unterminated quoted string");
    }
}
