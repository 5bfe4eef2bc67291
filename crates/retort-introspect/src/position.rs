//! Where PostgreSQL places an error: its `position` (a 1-based character index into the
//! statement text it was sent) as a line, a column and the line's text, for messages that show
//! the offending line with a caret under it. Shared by exact mode and the migration runner.

/// A place in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The line's text, without its terminator.
    pub text: String,
}

impl Location {
    /// The line, then a caret under the column (tabs kept, so it lines up however they render).
    pub fn excerpt(&self) -> String {
        let pad: String = self
            .text
            .chars()
            .take(self.column.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        format!("{}\n{pad}^", self.text)
    }
}

/// The line and column of `position`, PostgreSQL's 1-based character index into `sql`. One past
/// the last character (an error at the end of input) is accepted.
pub fn locate(sql: &str, position: usize) -> Option<Location> {
    let target = position.checked_sub(1)?;
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
    let text = sql[line_start_byte..].split('\n').next().unwrap_or("");
    let text = text.strip_suffix('\r').unwrap_or(text);
    Some(Location {
        line,
        column: target - line_start_char + 1,
        text: text.to_owned(),
    })
}
