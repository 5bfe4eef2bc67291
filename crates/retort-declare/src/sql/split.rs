//! Splitting a SQL file into statements with exact byte spans, following PostgreSQL's lexical
//! rules: `'…'` with doubled quotes, `E'…'` with backslash escapes, `"…"` identifiers,
//! `$tag$…$tag$` dollar quoting, `--` and nested `/* */` comments, and `BEGIN ATOMIC … END`
//! bodies whose semicolons do not end the statement. psql meta-commands (a line starting with
//! `\`, such as pg_dump's `\restrict KEY`) and the data of `COPY … FROM stdin` (up to `\.`) are
//! returned as pieces of their own so that nothing is dropped without being seen.

use std::ops::Range;

/// A `-- retort:<text>` comment before a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotation {
    /// Byte span of the whole comment (from `--` to the end of the line, newline excluded).
    pub span: Range<usize>,
    /// What follows `retort:`, trimmed, e.g. `renamed-from old_name`.
    pub text: String,
}

/// What a piece of a SQL file is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PieceKind {
    /// A SQL statement: the span starts at its first token and ends after its last token,
    /// excluding the terminating `;`.
    Statement,
    /// A psql meta-command line (`\restrict KEY`, `\connect db`, …), newline excluded.
    MetaCommand,
    /// The data lines of `COPY … FROM stdin`, including the closing `\.` line.
    CopyData,
}

/// One piece of a SQL file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub kind: PieceKind,
    pub span: Range<usize>,
    /// The `-- retort:` comments between the previous piece and this one, in order.
    pub annotations: Vec<Annotation>,
}

impl Piece {
    /// The text of this piece within `file_text`.
    pub fn text<'a>(&self, file_text: &'a str) -> &'a str {
        &file_text[self.span.clone()]
    }
}

/// A lexical error: an unterminated quote, comment or COPY block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitError {
    /// Where the unterminated construct starts.
    pub span: Range<usize>,
    pub message: String,
}

/// Splits `text` into statements, meta-commands and COPY data blocks, in order.
pub fn split(text: &str) -> Result<Vec<Piece>, SplitError> {
    split_with_trailing(text).map(|(pieces, _)| pieces)
}

/// [`split()`], plus the `-- retort:` comments after the last piece (which precede nothing).
pub fn split_with_trailing(text: &str) -> Result<(Vec<Piece>, Vec<Annotation>), SplitError> {
    Splitter {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        pieces: Vec::new(),
    }
    .run()
}

struct Splitter<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    pieces: Vec<Piece>,
}

/// What the statement being scanned has shown so far, for `BEGIN ATOMIC` and `COPY`.
#[derive(Default)]
struct Words {
    count: usize,
    first_is_copy: bool,
    previous: Option<String>,
    copy_from_stdin: bool,
    /// Open `BEGIN ATOMIC` bodies plus `CASE` expressions inside them.
    atomic_depth: usize,
}

impl Words {
    fn push(&mut self, word: &str) {
        let upper = word.to_ascii_uppercase();
        if self.count == 0 && upper == "COPY" {
            self.first_is_copy = true;
        }
        let previous = self.previous.as_deref();
        if self.first_is_copy && previous == Some("FROM") && upper == "STDIN" {
            self.copy_from_stdin = true;
        }
        if previous == Some("BEGIN") && upper == "ATOMIC" {
            self.atomic_depth += 1;
        } else if self.atomic_depth > 0 {
            match upper.as_str() {
                "CASE" => self.atomic_depth += 1,
                "END" => self.atomic_depth -= 1,
                _ => {}
            }
        }
        self.count += 1;
        self.previous = Some(upper);
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_part(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit() || b == b'$'
}

impl Splitter<'_> {
    fn run(mut self) -> Result<(Vec<Piece>, Vec<Annotation>), SplitError> {
        let mut annotations = Vec::new();
        loop {
            // Between statements: whitespace, comments, meta-commands.
            self.skip_whitespace();
            if self.pos >= self.bytes.len() {
                break;
            }
            let rest = &self.bytes[self.pos..];
            if rest.starts_with(b"--") {
                let start = self.pos;
                let end = self.line_end(start);
                let comment = self.text[start + 2..end].trim_start();
                if let Some(after) = comment.strip_prefix("retort:") {
                    annotations.push(Annotation {
                        span: start..end,
                        text: after.trim().to_owned(),
                    });
                }
                self.pos = end;
                continue;
            }
            if rest.starts_with(b"/*") {
                self.skip_block_comment()?;
                continue;
            }
            if rest[0] == b'\\' {
                let start = self.pos;
                let end = trim_cr(self.text, start, self.line_end(start));
                self.pieces.push(Piece {
                    kind: PieceKind::MetaCommand,
                    span: start..end,
                    annotations: std::mem::take(&mut annotations),
                });
                self.pos = self.line_end(start);
                continue;
            }
            if rest[0] == b';' {
                // An empty statement.
                self.pos += 1;
                continue;
            }
            let (span, copy) = self.statement()?;
            self.pieces.push(Piece {
                kind: PieceKind::Statement,
                span,
                annotations: std::mem::take(&mut annotations),
            });
            if copy {
                self.copy_data()?;
            }
        }
        Ok((self.pieces, annotations))
    }

    fn skip_whitespace(&mut self) {
        while self.pos < self.bytes.len() && self.bytes[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    /// The offset of the next `\n` at or after `from`, or the end of the text.
    fn line_end(&self, from: usize) -> usize {
        self.bytes[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.bytes.len(), |i| from + i)
    }

    /// Scans one statement from `self.pos`; returns its span (without the `;`) and whether
    /// COPY data follows it.
    fn statement(&mut self) -> Result<(Range<usize>, bool), SplitError> {
        let start = self.pos;
        let mut end = start;
        let mut words = Words::default();
        while self.pos < self.bytes.len() {
            let b = self.bytes[self.pos];
            let rest = &self.bytes[self.pos..];
            if b.is_ascii_whitespace() {
                self.pos += 1;
                continue;
            }
            if rest.starts_with(b"--") {
                self.pos = self.line_end(self.pos);
                continue;
            }
            if rest.starts_with(b"/*") {
                self.skip_block_comment()?;
                continue;
            }
            match b {
                b';' if words.atomic_depth == 0 => {
                    self.pos += 1;
                    return Ok((start..end, words.copy_from_stdin));
                }
                b'\'' => self.skip_string(false)?,
                b'"' => self.skip_quoted_ident()?,
                b'$' => self.skip_dollar()?,
                _ if is_ident_start(b) => {
                    let word_start = self.pos;
                    while self.pos < self.bytes.len() && is_ident_part(self.bytes[self.pos]) {
                        self.pos += 1;
                    }
                    let word = &self.text[word_start..self.pos];
                    if self.bytes.get(self.pos) == Some(&b'\'') {
                        // E'…' takes backslash escapes; other prefixes (B, X, N, U&) do not.
                        let escaped = word.eq_ignore_ascii_case("e");
                        self.skip_string(escaped)?;
                    } else {
                        words.push(word);
                    }
                }
                _ => {
                    // Any other character: operators, punctuation, numbers.
                    let len = self.text[self.pos..]
                        .chars()
                        .next()
                        .map_or(1, char::len_utf8);
                    self.pos += len;
                }
            }
            end = self.pos;
        }
        Ok((start..end, words.copy_from_stdin))
    }

    fn unterminated(&self, start: usize, what: &str) -> SplitError {
        let end = self.line_end(start);
        SplitError {
            span: start..trim_cr(self.text, start, end),
            message: format!("unterminated {what}"),
        }
    }

    /// At a `'`: skips the string. With `escaped`, `\` escapes the next character.
    fn skip_string(&mut self, escaped: bool) -> Result<(), SplitError> {
        let start = self.pos;
        let mut i = self.pos + 1;
        while i < self.bytes.len() {
            match self.bytes[i] {
                b'\\' if escaped => i += 2,
                b'\'' if self.bytes.get(i + 1) == Some(&b'\'') => i += 2,
                b'\'' => {
                    self.pos = i + 1;
                    return Ok(());
                }
                _ => i += 1,
            }
        }
        Err(self.unterminated(start, "quoted string"))
    }

    fn skip_quoted_ident(&mut self) -> Result<(), SplitError> {
        let start = self.pos;
        let mut i = self.pos + 1;
        while i < self.bytes.len() {
            if self.bytes[i] == b'"' {
                if self.bytes.get(i + 1) == Some(&b'"') {
                    i += 2;
                    continue;
                }
                self.pos = i + 1;
                return Ok(());
            }
            i += 1;
        }
        Err(self.unterminated(start, "quoted identifier"))
    }

    /// At a `$`: a dollar-quoted string (`$$…$$`, `$tag$…$tag$`), or a lone `$` / `$1`.
    fn skip_dollar(&mut self) -> Result<(), SplitError> {
        let start = self.pos;
        let mut i = start + 1;
        if i < self.bytes.len() && is_ident_start(self.bytes[i]) {
            while i < self.bytes.len() && (is_ident_part(self.bytes[i]) && self.bytes[i] != b'$') {
                i += 1;
            }
        }
        if self.bytes.get(i) != Some(&b'$') {
            // A parameter such as `$1`, or a stray `$`.
            self.pos = start + 1;
            while self.pos < self.bytes.len() && self.bytes[self.pos].is_ascii_digit() {
                self.pos += 1;
            }
            return Ok(());
        }
        let tag = &self.text[start..=i];
        match self.text[i + 1..].find(tag) {
            Some(at) => {
                self.pos = i + 1 + at + tag.len();
                Ok(())
            }
            None => Err(self.unterminated(start, "dollar-quoted string")),
        }
    }

    /// At `/*`: skips a block comment, which may nest.
    fn skip_block_comment(&mut self) -> Result<(), SplitError> {
        let start = self.pos;
        let mut depth = 0usize;
        let mut i = start;
        while i + 1 < self.bytes.len() {
            match (self.bytes[i], self.bytes[i + 1]) {
                (b'/', b'*') => {
                    depth += 1;
                    i += 2;
                }
                (b'*', b'/') => {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        self.pos = i;
                        return Ok(());
                    }
                }
                _ => i += 1,
            }
        }
        Err(self.unterminated(start, "block comment"))
    }

    /// After `COPY … FROM stdin;`: the data starts on the next line and ends with a `\.` line.
    fn copy_data(&mut self) -> Result<(), SplitError> {
        let statement_end = self.pos;
        let line_end = self.line_end(self.pos);
        let data_start = (line_end + 1).min(self.bytes.len());
        let mut at = data_start;
        while at < self.bytes.len() {
            let end = self.line_end(at);
            if self.text[at..trim_cr(self.text, at, end)].trim_end() == "\\." {
                self.pieces.push(Piece {
                    kind: PieceKind::CopyData,
                    span: data_start..trim_cr(self.text, at, end),
                    annotations: Vec::new(),
                });
                self.pos = end;
                return Ok(());
            }
            at = end + 1;
        }
        Err(SplitError {
            span: statement_end..statement_end,
            message: "COPY data is not terminated by a line `\\.`".to_owned(),
        })
    }
}

/// `end` moved back over a `\r` that precedes it.
fn trim_cr(text: &str, start: usize, end: usize) -> usize {
    if end > start && text.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statements(text: &str) -> Vec<&str> {
        split(text)
            .expect("splits")
            .iter()
            .filter(|p| p.kind == PieceKind::Statement)
            .map(|p| p.text(text))
            .collect()
    }

    #[test]
    fn semicolons_inside_quotes_and_comments_do_not_split() {
        let text = "SELECT 'a;''b';\nSELECT \"x;\"\"y\" FROM t; -- c;\n/* d; /* nested; */ e; */ SELECT 1;";
        assert_eq!(
            statements(text),
            ["SELECT 'a;''b'", "SELECT \"x;\"\"y\" FROM t", "SELECT 1"]
        );
    }

    #[test]
    fn escape_strings_take_backslashes_and_plain_strings_do_not() {
        let text = r"SELECT E'it\'s;'; SELECT 'c:\'; SELECT e'\\';";
        assert_eq!(
            statements(text),
            [r"SELECT E'it\'s;'", r"SELECT 'c:\'", r"SELECT e'\\'"]
        );
    }

    #[test]
    fn dollar_quotes_with_and_without_tags() {
        let text = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n\
                    CREATE FUNCTION g() RETURNS int AS $fn$ SELECT $$;$$; $x$ $fn$ LANGUAGE sql;\n\
                    PREPARE p AS SELECT $1; SELECT a$b FROM t;";
        let got = statements(text);
        assert_eq!(got.len(), 4, "{got:?}");
        assert!(got[1].ends_with("$fn$ LANGUAGE sql"), "{}", got[1]);
        assert_eq!(got[2], "PREPARE p AS SELECT $1");
        assert_eq!(got[3], "SELECT a$b FROM t");
    }

    #[test]
    fn begin_atomic_bodies_keep_their_semicolons() {
        let text = "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  \
                    SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END;\n  SELECT 3;\nEND;\nSELECT 4;";
        let got = statements(text);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].ends_with("SELECT 3;\nEND"), "{}", got[0]);
        assert_eq!(got[1], "SELECT 4");
    }

    #[test]
    fn copy_data_and_meta_commands_are_their_own_pieces() {
        let text = "\\restrict abc\nCOPY t (a, b) FROM stdin;\n1\tx;y\n2\t'\n\\.\nSELECT 1;\n\\unrestrict abc\n";
        let pieces = split(text).expect("splits");
        let kinds: Vec<(&PieceKind, &str)> =
            pieces.iter().map(|p| (&p.kind, p.text(text))).collect();
        assert_eq!(
            kinds,
            [
                (&PieceKind::MetaCommand, "\\restrict abc"),
                (&PieceKind::Statement, "COPY t (a, b) FROM stdin"),
                (&PieceKind::CopyData, "1\tx;y\n2\t'\n\\."),
                (&PieceKind::Statement, "SELECT 1"),
                (&PieceKind::MetaCommand, "\\unrestrict abc"),
            ]
        );
        let open = split("COPY t FROM stdin;\n1\n").expect_err("unterminated");
        assert!(open.message.contains("COPY"), "{}", open.message);
    }

    #[test]
    fn annotations_belong_to_the_next_statement() {
        let text = "-- plain comment\n-- retort:renamed-from old_t\n--retort: keep \nCREATE TABLE t ();\nCREATE TABLE u ();";
        let pieces = split(text).expect("splits");
        assert_eq!(pieces.len(), 2);
        let texts: Vec<&str> = pieces[0]
            .annotations
            .iter()
            .map(|a| a.text.as_str())
            .collect();
        assert_eq!(texts, ["renamed-from old_t", "keep"]);
        assert_eq!(
            &text[pieces[0].annotations[0].span.clone()],
            "-- retort:renamed-from old_t"
        );
        assert!(pieces[1].annotations.is_empty());
    }

    #[test]
    fn spans_are_exact_and_the_last_statement_needs_no_semicolon() {
        let text = "  /* lead */ CREATE TABLE a ( x int ) ;\r\n\n  SELECT 2  \n";
        let pieces = split(text).expect("splits");
        assert_eq!(pieces[0].span, 13..37);
        assert_eq!(pieces[0].text(text), "CREATE TABLE a ( x int )");
        assert_eq!(pieces[1].text(text), "SELECT 2");
        assert_eq!(pieces[1].span.end, text.len() - 3);
    }

    #[test]
    fn unterminated_constructs_are_errors_at_their_start() {
        for (text, what, at) in [
            ("SELECT 1;\nSELECT 'abc", "quoted string", 17),
            ("SELECT \"x", "quoted identifier", 7),
            ("SELECT $q$ x $Q$", "dollar-quoted string", 7),
            ("SELECT 1 /* /* */", "block comment", 9),
        ] {
            let e = split(text).expect_err(text);
            assert_eq!(e.message, format!("unterminated {what}"), "{text}");
            assert_eq!(e.span.start, at, "{text}");
        }
    }
}
