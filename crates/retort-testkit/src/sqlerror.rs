//! Turning a failed statement into a message a person can act on: PostgreSQL's own words, the
//! SQLSTATE, and the offending line of the script with a caret under the reported position.

use std::error::Error as StdError;
use std::fmt::Write as _;

use tokio_postgres::error::ErrorPosition;

/// The full text of an error and every error that caused it, joined with `": "`.
pub(crate) fn error_chain(err: &(dyn StdError + 'static)) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

/// Describes the failure of `sql`, psql-style:
///
/// ```text
/// ERROR: syntax error at or near "SELEC" (SQLSTATE 42601)
/// LINE 2: SELEC 2;
///         ^
/// ```
pub(crate) fn describe(sql: &str, err: &tokio_postgres::Error) -> String {
    let Some(db) = err.as_db_error() else {
        return error_chain(err);
    };
    let mut out = format!(
        "{}: {} (SQLSTATE {})",
        db.severity(),
        db.message(),
        db.code().code()
    );
    match db.position() {
        Some(ErrorPosition::Original(position)) => {
            out.push_str(&caret_excerpt(sql, *position as usize, "LINE"));
        }
        Some(ErrorPosition::Internal { position, query }) => {
            out.push_str(&caret_excerpt(query, *position as usize, "QUERY LINE"));
        }
        None => {}
    }
    if let Some(detail) = db.detail() {
        let _ = write!(out, "\nDETAIL: {detail}");
    }
    if let Some(hint) = db.hint() {
        let _ = write!(out, "\nHINT: {hint}");
    }
    if let Some(context) = db.where_() {
        let _ = write!(out, "\nCONTEXT: {context}");
    }
    out
}

/// `"\nLINE n: text\n        ^"`, or `" (at character n)"` when the position is outside `sql`.
fn caret_excerpt(sql: &str, position: usize, label: &str) -> String {
    match locate(sql, position) {
        Some(loc) => {
            let prefix = format!("{label} {}: ", loc.line);
            let mut pad: String = " ".repeat(prefix.chars().count());
            // Keep tabs as tabs so the caret lines up however the terminal renders them.
            for c in loc.text.chars().take(loc.column - 1) {
                pad.push(if c == '\t' { '\t' } else { ' ' });
            }
            format!("\n{prefix}{}\n{pad}^", loc.text)
        }
        None => format!(" (at character {position})"),
    }
}

/// A position in a script, as PostgreSQL reports it, turned into a line and a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Location {
    /// 1-based line number.
    pub(crate) line: usize,
    /// 1-based column, in characters.
    pub(crate) column: usize,
    /// The line's text, without its line terminator.
    pub(crate) text: String,
}

/// Finds the line and column of `position`, PostgreSQL's 1-based character index into `sql`.
/// A position one past the last character (an error "at end of input") is accepted.
pub(crate) fn locate(sql: &str, position: usize) -> Option<Location> {
    if position == 0 {
        return None;
    }
    let target = position - 1; // 0-based character index
    let mut index = 0usize;
    let mut line = 1usize;
    let mut line_start_byte = 0usize;
    let mut line_start_char = 0usize;
    for (byte, c) in sql.char_indices() {
        if index == target {
            break;
        }
        if c == '\n' {
            line += 1;
            line_start_byte = byte + 1;
            line_start_char = index + 1;
        }
        index += 1;
    }
    if index != target {
        return None;
    }
    let rest = &sql[line_start_byte..];
    let text = rest.split('\n').next().unwrap_or("");
    let text = text.strip_suffix('\r').unwrap_or(text);
    Some(Location {
        line,
        column: target - line_start_char + 1,
        text: text.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(line: usize, column: usize, text: &str) -> Option<Location> {
        Some(Location {
            line,
            column,
            text: text.to_owned(),
        })
    }

    #[test]
    fn locates_first_line() {
        assert_eq!(locate("SELEC 1;", 1), loc(1, 1, "SELEC 1;"));
        assert_eq!(locate("SELECT x FROM t;", 8), loc(1, 8, "SELECT x FROM t;"));
    }

    #[test]
    fn locates_later_lines_and_strips_crlf() {
        let sql = "SELECT 1;\r\nSELECT 2;\r\nSELEC 3;\r\n";
        // 'S' of "SELEC" is character 23 (1-based): 11 + 11 + 1.
        assert_eq!(locate(sql, 23), loc(3, 1, "SELEC 3;"));
        assert_eq!(locate(sql, 27), loc(3, 5, "SELEC 3;"));
    }

    #[test]
    fn counts_characters_not_bytes() {
        // "é" and "ü" are two bytes each in UTF-8; PostgreSQL counts them as one character.
        let sql = "SELECT 'é';\nSELECT 'ü' FRO t;";
        let f = sql.chars().position(|c| c == 'F').map(|i| i + 1);
        assert_eq!(f, Some(24));
        assert_eq!(locate(sql, 24), loc(2, 12, "SELECT 'ü' FRO t;"));
    }

    #[test]
    fn end_of_input_and_out_of_range() {
        assert_eq!(locate("SELECT (1", 10), loc(1, 10, "SELECT (1"));
        assert_eq!(locate("SELECT 1;\n", 11), loc(2, 1, ""));
        assert_eq!(locate("SELECT 1", 20), None);
        assert_eq!(locate("SELECT 1", 0), None);
    }

    #[test]
    fn caret_sits_under_the_position_and_keeps_tabs() {
        assert_eq!(
            caret_excerpt("SELECT 1;\nSELEC 2;", 11, "LINE"),
            "\nLINE 2: SELEC 2;\n        ^"
        );
        assert_eq!(
            caret_excerpt("\tSELEC 2;", 5, "LINE"),
            "\nLINE 1: \tSELEC 2;\n        \t   ^"
        );
        assert_eq!(caret_excerpt("x", 9, "LINE"), " (at character 9)");
    }
}
