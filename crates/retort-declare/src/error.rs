//! Errors in declared files: every one names the file, line and column, and can show the
//! offending text with a caret under it.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

/// A problem at a place in a declared file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceError {
    /// The file as shown to the user (relative to the schema root, `/`-separated).
    pub file: String,
    /// The whole text of the file, to show the offending line.
    pub text: Arc<str>,
    /// Byte range of the offending text (may be empty, e.g. at end of file).
    pub span: Range<usize>,
    pub message: String,
    /// The object being read when the problem was found, e.g. `table public.users`.
    pub object: Option<String>,
}

impl SourceError {
    pub fn new(
        file: impl Into<String>,
        text: Arc<str>,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let len = text.len();
        let start = floor_char_boundary(&text, span.start.min(len));
        let end = floor_char_boundary(&text, span.end.clamp(start, len));
        SourceError {
            file: file.into(),
            text,
            span: start..end,
            message: message.into(),
            object: None,
        }
    }

    pub fn with_object(mut self, object: impl Into<String>) -> Self {
        self.object = Some(object.into());
        self
    }

    /// 1-based line and column (in characters) of the start of the span.
    pub fn line_column(&self) -> (usize, usize) {
        line_column(&self.text, self.span.start)
    }

    /// The message with the offending line and a caret under the span, as a compiler shows it.
    pub fn render(&self) -> String {
        let title = match &self.object {
            Some(object) => format!("{} (in {object})", self.message),
            None => self.message.clone(),
        };
        let report = &[Level::ERROR.primary_title(title).element(
            Snippet::source(&*self.text)
                .path(self.file.as_str())
                .annotation(AnnotationKind::Primary.span(self.span.clone())),
        )];
        Renderer::plain().render(report).to_string()
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, column) = self.line_column();
        write!(f, "{}:{line}:{column}: {}", self.file, self.message)?;
        if let Some(object) = &self.object {
            write!(f, " (in {object})")?;
        }
        Ok(())
    }
}

/// 1-based line and character column of byte offset `at` in `text`.
pub fn line_column(text: &str, at: usize) -> (usize, usize) {
    let at = floor_char_boundary(text, at.min(text.len()));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Everything that can go wrong reading declared files.
#[derive(Debug, thiserror::Error)]
pub enum DeclareError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: not valid UTF-8", path.display())]
    NotUtf8 { path: PathBuf },
    #[error("{}: no schema files (*.sql, *.toml) found", path.display())]
    NoFiles { path: PathBuf },
    #[error("{}: not a schema file: expected a .sql or .toml file or a directory", path.display())]
    NotSchemaFile { path: PathBuf },
    #[error("{0}")]
    Source(Box<SourceError>),
}

impl From<SourceError> for DeclareError {
    fn from(e: SourceError) -> Self {
        DeclareError::Source(Box::new(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "ab\nçd x\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        // 'ç' is two bytes: "x" is the 4th character of line 2.
        assert_eq!(line_column(text, 7), (2, 4));
        assert_eq!(line_column(text, 999), (3, 1));
    }

    #[test]
    fn display_is_one_line_and_render_shows_a_caret() {
        let text: Arc<str> = Arc::from("CREATE TABLE t (\n  id integr\n);\n");
        let at = text.find("integr").expect("present");
        let e = SourceError::new("schema/t.sql", text, at..at + 6, "unknown type \"integr\"")
            .with_object("table public.t");
        assert_eq!(
            e.to_string(),
            "schema/t.sql:2:6: unknown type \"integr\" (in table public.t)"
        );
        let shown = e.render();
        assert!(shown.contains("schema/t.sql:2:6"), "{shown}");
        assert!(shown.contains("  id integr"), "{shown}");
        assert!(shown.contains("^^^^^^"), "{shown}");
    }

    #[test]
    fn spans_are_clamped_to_the_text() {
        let e = SourceError::new("f.sql", Arc::from("é"), 1..50, "x");
        assert_eq!(e.span, 0..2);
        assert_eq!(e.line_column(), (1, 1));
    }
}
