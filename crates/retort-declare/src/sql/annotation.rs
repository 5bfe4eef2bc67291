//! `-- retort:` annotations in SQL files: what they say, and what they apply to.
//!
//! The only directive is `renamed-from NAME`: on its own line(s) just before a statement that
//! creates a table, index, type (enum, composite, domain), sequence or view, it names the
//! object's previous name; inside the parentheses of `CREATE TABLE`, on the line before a
//! column or a `CONSTRAINT name …` line (or at the end of that line, after its comma), the
//! column's or the constraint's; inside `CREATE TYPE … AS ENUM (…)`, a label's.
//!
//! `NAME` is an identifier, bare (folded to lower case, as PostgreSQL folds) or
//! `"double-quoted"` (`""` inside it is one `"`); for enum labels it may also be a
//! `'single-quoted'` literal (`''` is one `'`), and bare text is the label as written.
//!
//! Any other `-- retort:` comment, and one that precedes nothing it can apply to, is an error.

use std::ops::Range;

use retort_catalog::RenameKind;
use sqlparser::tokenizer::{Token, Tokenizer, Whitespace, Word};

use super::RetortDialect;
use super::split::{Annotation, Piece, PieceKind};
use crate::error::SourceError;
use crate::files::SchemaFile;
use crate::load::names::truncate_identifier;

/// The directive `-- retort:renamed-from`.
pub const RENAMED_FROM: &str = "renamed-from";

/// A rename hint as written in a SQL file: names folded, not yet qualified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenHint {
    pub kind: RenameKind,
    /// The object's name as written, folded (`[schema.]name`); for columns and constraints
    /// the table's, for enum labels the type's.
    pub object: Vec<String>,
    /// Indexes only: the table's name as written (an index lives in its table's schema).
    pub table: Option<Vec<String>>,
    /// The column, constraint or label.
    pub member: Option<String>,
    /// The previous name of the object or member.
    pub from: String,
    /// Byte span of the annotation in the file.
    pub span: Range<usize>,
}

/// What a statement creates, read from its first tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Created {
    pub kind: CreatedKind,
    /// The name as written, folded (`[schema.]name`); empty for an unnamed index.
    pub name: Vec<String>,
    /// Indexes only: the table's name as written, folded.
    pub table: Option<Vec<String>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CreatedKind {
    Schema,
    Table,
    Index,
    /// `CREATE TYPE` or `CREATE DOMAIN`.
    Type,
    Sequence,
    View,
    MaterializedView,
}

/// What a statement creates, when it is one of the `CREATE` statements annotations and name
/// resolution care about.
pub fn created(text: &str) -> Option<Created> {
    let tokens = Tokens::new(text).ok()?;
    tokens.head().map(|h| h.created)
}

/// The rename hints of one piece of `file`: its leading annotations and those inside it.
/// An annotation that is malformed, unknown or applies to nothing is an error at its place.
pub fn piece_hints(file: &SchemaFile, piece: &Piece) -> Result<Vec<WrittenHint>, SourceError> {
    let error = |span: Range<usize>, message: String| {
        SourceError::new(file.display.clone(), file.text.clone(), span, message)
    };
    let text = piece.text(&file.text);
    let inner_possible = piece.kind == PieceKind::Statement && text.contains("retort:");
    if piece.annotations.is_empty() && !inner_possible {
        return Ok(Vec::new());
    }
    for a in &piece.annotations {
        own_line(file, a)?;
    }
    if piece.kind != PieceKind::Statement {
        let a = &piece.annotations[0];
        directive(a).map_err(|m| error(a.span.clone(), m))?;
        return Err(error(a.span.clone(), not_applicable()));
    }
    let base = piece.span.start;
    let tokens = match Tokens::new(text) {
        Ok(tokens) => tokens,
        Err(()) => {
            let a = piece.annotations.first();
            let span = a.map_or(piece.span.clone(), |a| a.span.clone());
            return Err(error(
                span,
                "cannot read the annotations of this statement".to_owned(),
            ));
        }
    };
    let head = tokens.head();
    let mut out: Vec<WrittenHint> = Vec::new();
    let mut push = |hint: WrittenHint| -> Result<(), SourceError> {
        if out
            .iter()
            .any(|h| h.kind == hint.kind && h.member == hint.member)
        {
            let what = hint
                .member
                .as_deref()
                .map_or_else(|| "this statement".to_owned(), |m| format!("\"{m}\""));
            return Err(error(
                hint.span,
                format!("{what} already has a renamed-from annotation"),
            ));
        }
        out.push(hint);
        Ok(())
    };
    for a in &piece.annotations {
        let old = directive(a).map_err(|m| error(a.span.clone(), m))?;
        let Some(head) = &head else {
            return Err(error(a.span.clone(), not_applicable()));
        };
        let kind = match head.created.kind {
            CreatedKind::Table => RenameKind::Table,
            CreatedKind::Index => RenameKind::Index,
            CreatedKind::Type => RenameKind::Type,
            CreatedKind::Sequence => RenameKind::Sequence,
            CreatedKind::View | CreatedKind::MaterializedView => RenameKind::View,
            CreatedKind::Schema => return Err(error(a.span.clone(), not_applicable())),
        };
        if head.created.name.is_empty() {
            return Err(error(
                a.span.clone(),
                "a renamed index needs its name written: CREATE INDEX name ON …".to_owned(),
            ));
        }
        let from = old.identifier().map_err(|m| error(a.span.clone(), m))?;
        push(WrittenHint {
            kind,
            object: head.created.name.clone(),
            table: head.created.table.clone(),
            member: None,
            from,
            span: a.span.clone(),
        })?;
    }
    for c in &tokens.comments {
        let span = base + c.start..base + c.end;
        let a = Annotation {
            span: span.clone(),
            text: c.text.clone(),
        };
        let old = directive(&a).map_err(|m| error(span.clone(), m))?;
        let target = head
            .as_ref()
            .and_then(|h| h.body.as_ref().map(|b| (h, b)))
            .and_then(|(h, b)| b.element_for(&tokens, c).map(|e| (h, b, e)));
        let Some((head, body, element)) = target else {
            return Err(error(span, not_applicable()));
        };
        let (kind, member, from) = match body.kind {
            BodyKind::Table => {
                let (kind, member) =
                    table_element(&tokens, element).map_err(|m| error(span.clone(), m))?;
                let from = old.identifier().map_err(|m| error(span.clone(), m))?;
                (kind, member, from)
            }
            BodyKind::Enum => {
                let label = match tokens.sig.get(element).map(|t| &t.token) {
                    Some(Token::SingleQuotedString(v) | Token::EscapedStringLiteral(v)) => {
                        v.clone()
                    }
                    _ => return Err(error(span, not_applicable())),
                };
                let from = old.label().map_err(|m| error(span.clone(), m))?;
                (RenameKind::EnumValue, label, from)
            }
        };
        push(WrittenHint {
            kind,
            object: head.created.name.clone(),
            table: None,
            member: Some(member),
            from,
            span,
        })?;
    }
    Ok(out)
}

/// Annotations after the last statement of a file precede nothing: the first is an error.
pub fn check_trailing(file: &SchemaFile, trailing: &[Annotation]) -> Result<(), SourceError> {
    let Some(a) = trailing.first() else {
        return Ok(());
    };
    let error = |message: String| {
        SourceError::new(
            file.display.clone(),
            file.text.clone(),
            a.span.clone(),
            message,
        )
    };
    directive(a).map_err(error)?;
    Err(error(not_applicable()))
}

fn not_applicable() -> String {
    "this retort:renamed-from annotation precedes nothing it can apply to (a CREATE TABLE, \
     INDEX, TYPE, DOMAIN, SEQUENCE or VIEW statement, a column or CONSTRAINT line of CREATE \
     TABLE, or a label of CREATE TYPE … AS ENUM)"
        .to_owned()
}

/// A leading annotation must start its line: one after a statement on the same line would
/// otherwise silently apply to the next statement.
fn own_line(file: &SchemaFile, a: &Annotation) -> Result<(), SourceError> {
    let line_start = file.text[..a.span.start].rfind('\n').map_or(0, |i| i + 1);
    if file.text[line_start..a.span.start].trim().is_empty() {
        return Ok(());
    }
    Err(SourceError::new(
        file.display.clone(),
        file.text.clone(),
        a.span.clone(),
        "a retort: annotation after a statement applies to nothing: put it on the line before \
         what it renames",
    ))
}

/// The previous name of a `renamed-from` annotation, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
enum OldName {
    /// `"Name"`, unescaped.
    Double(String),
    /// `'label'`, unescaped.
    Single(String),
    /// Anything else, trimmed.
    Bare(String),
}

impl OldName {
    /// As an identifier: quoted as it is, bare folded; both cut to 63 bytes as PostgreSQL does.
    fn identifier(&self) -> Result<String, String> {
        match self {
            OldName::Double(name) if name.is_empty() => {
                Err("renamed-from: a quoted name cannot be empty".to_owned())
            }
            OldName::Double(name) => Ok(truncate_identifier(name)),
            OldName::Single(_) => Err(
                "renamed-from: a previous name is an identifier: write it bare or in double quotes"
                    .to_owned(),
            ),
            OldName::Bare(name) => {
                let bytes = name.as_bytes();
                let valid = bytes.first().is_some_and(|&b| is_ident_start(b))
                    && bytes.iter().all(|&b| is_ident_part(b));
                if valid {
                    Ok(truncate_identifier(&name.to_ascii_lowercase()))
                } else if name.contains('.') {
                    Err(format!(
                        "renamed-from: \"{name}\": the previous name is in the same schema and \
                         table; write it without a qualifier (or in double quotes)"
                    ))
                } else {
                    Err(format!(
                        "renamed-from: {name} is not an identifier; write it in double quotes"
                    ))
                }
            }
        }
    }

    /// As an enum label: the text, quoted or not.
    fn label(&self) -> Result<String, String> {
        let (OldName::Double(label) | OldName::Single(label) | OldName::Bare(label)) = self;
        if label.is_empty() || label.len() > 63 {
            return Err("renamed-from: an enum label is 1 to 63 bytes".to_owned());
        }
        Ok(label.clone())
    }
}

/// Reads the directive of an annotation: only `renamed-from NAME` is known.
fn directive(a: &Annotation) -> Result<OldName, String> {
    let text = a.text.trim();
    let (word, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    if word.is_empty() {
        return Err(format!(
            "empty retort: annotation (expected `-- retort:{RENAMED_FROM} NAME`)"
        ));
    }
    if word != RENAMED_FROM {
        return Err(format!(
            "unknown retort: annotation `{word}` (the only one is `{RENAMED_FROM}`)"
        ));
    }
    let rest = rest.trim();
    if rest.is_empty() {
        return Err(format!("`retort:{RENAMED_FROM}` needs the previous name"));
    }
    let quoted = |q: char| -> Result<String, String> {
        let mut out = String::new();
        let mut chars = rest[1..].chars().peekable();
        while let Some(c) = chars.next() {
            if c == q {
                if chars.peek() == Some(&q) {
                    chars.next();
                    out.push(q);
                    continue;
                }
                let after: String = chars.collect();
                if !after.trim().is_empty() {
                    return Err(format!(
                        "renamed-from takes one name; unexpected `{}` after it",
                        after.trim()
                    ));
                }
                return Ok(out);
            }
            out.push(c);
        }
        Err(format!("renamed-from: unterminated quoted name {rest}"))
    };
    match rest.chars().next() {
        Some('"') => quoted('"').map(OldName::Double),
        Some('\'') => quoted('\'').map(OldName::Single),
        _ => Ok(OldName::Bare(rest.to_owned())),
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_part(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit() || b == b'$'
}

/// A token that is not whitespace, with its place in the statement.
struct Sig {
    token: Token,
    line: u64,
}

/// A `-- retort:` comment inside a statement.
struct Comment {
    /// Byte range in the statement, from `--` to the end of the line.
    start: usize,
    end: usize,
    line: u64,
    /// What follows `retort:`.
    text: String,
    /// How many significant tokens precede it.
    before: usize,
}

struct Tokens {
    sig: Vec<Sig>,
    comments: Vec<Comment>,
}

impl Tokens {
    fn new(text: &str) -> Result<Tokens, ()> {
        let tokens = Tokenizer::new(&RetortDialect, text)
            .tokenize_with_location()
            .map_err(|_| ())?;
        let mut sig = Vec::new();
        let mut comments = Vec::new();
        for t in tokens {
            match t.token {
                Token::Whitespace(Whitespace::SingleLineComment { comment, prefix })
                    if prefix == "--" =>
                {
                    if let Some(after) = comment.trim_start().strip_prefix("retort:") {
                        let start = super::offset_of(
                            text,
                            t.span.start.line as usize,
                            t.span.start.column as usize,
                        );
                        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
                        let end = if text[..line_end].ends_with('\r') {
                            line_end - 1
                        } else {
                            line_end
                        };
                        comments.push(Comment {
                            start,
                            end,
                            line: t.span.start.line,
                            text: after.trim().to_owned(),
                            before: sig.len(),
                        });
                    }
                }
                Token::Whitespace(_) | Token::EOF => {}
                token => sig.push(Sig {
                    token,
                    line: t.span.start.line,
                }),
            }
        }
        Ok(Tokens { sig, comments })
    }

    fn word(&self, i: usize) -> Option<&Word> {
        match self.sig.get(i).map(|s| &s.token) {
            Some(Token::Word(w)) => Some(w),
            _ => None,
        }
    }

    /// Whether token `i` is the unquoted keyword `kw`.
    fn is(&self, i: usize, kw: &str) -> bool {
        self.word(i)
            .is_some_and(|w| w.quote_style.is_none() && w.value.eq_ignore_ascii_case(kw))
    }

    fn is_token(&self, i: usize, token: &Token) -> bool {
        self.sig.get(i).is_some_and(|s| &s.token == token)
    }

    /// A dotted name from token `i`: its folded parts and the index after it.
    fn name(&self, mut i: usize) -> Option<(Vec<String>, usize)> {
        let mut parts = vec![fold(self.word(i)?)];
        i += 1;
        while self.is_token(i, &Token::Period) {
            parts.push(fold(self.word(i + 1)?));
            i += 2;
        }
        Some((parts, i))
    }

    /// `CREATE …`: what it creates, and the parenthesized list annotations may sit in.
    fn head(&self) -> Option<Head> {
        if !self.is(0, "CREATE") {
            return None;
        }
        let mut i = 1;
        if self.is(i, "OR") && self.is(i + 1, "REPLACE") {
            i += 2;
        }
        let mut materialized = false;
        while [
            "TEMP",
            "TEMPORARY",
            "UNLOGGED",
            "GLOBAL",
            "LOCAL",
            "RECURSIVE",
            "UNIQUE",
        ]
        .iter()
        .any(|kw| self.is(i, kw))
            || self.is(i, "MATERIALIZED")
        {
            materialized |= self.is(i, "MATERIALIZED");
            i += 1;
        }
        let word = self.word(i).filter(|w| w.quote_style.is_none())?;
        let kind = match word.value.to_ascii_uppercase().as_str() {
            "SCHEMA" => CreatedKind::Schema,
            "TABLE" => CreatedKind::Table,
            "INDEX" => CreatedKind::Index,
            "TYPE" | "DOMAIN" => CreatedKind::Type,
            "SEQUENCE" => CreatedKind::Sequence,
            "VIEW" if materialized => CreatedKind::MaterializedView,
            "VIEW" => CreatedKind::View,
            _ => return None,
        };
        i += 1;
        if kind == CreatedKind::Index && self.is(i, "CONCURRENTLY") {
            i += 1;
        }
        if self.is(i, "IF") && self.is(i + 1, "NOT") && self.is(i + 2, "EXISTS") {
            i += 3;
        }
        if kind == CreatedKind::Schema && self.is(i, "AUTHORIZATION") {
            i += 1;
        }
        let (name, after) = if kind == CreatedKind::Index && self.is(i, "ON") {
            (Vec::new(), i)
        } else {
            self.name(i)?
        };
        let mut table = None;
        if kind == CreatedKind::Index {
            let mut j = after;
            if !self.is(j, "ON") {
                return None;
            }
            j += 1;
            if self.is(j, "ONLY") {
                j += 1;
            }
            table = Some(self.name(j)?.0);
        }
        let body = match kind {
            CreatedKind::Table if self.is_token(after, &Token::LParen) => {
                self.body(after, BodyKind::Table)
            }
            CreatedKind::Type
                if self.is(after, "AS")
                    && self.is(after + 1, "ENUM")
                    && self.is_token(after + 2, &Token::LParen) =>
            {
                self.body(after + 2, BodyKind::Enum)
            }
            _ => None,
        };
        Some(Head {
            created: Created { kind, name, table },
            body,
        })
    }

    /// The list opened at token `open`: where it closes, and where each element starts.
    fn body(&self, open: usize, kind: BodyKind) -> Option<Body> {
        let mut depth = 0usize;
        let mut starts = vec![open + 1];
        let mut commas = Vec::new();
        for i in open..self.sig.len() {
            match self.sig[i].token {
                Token::LParen => depth += 1,
                Token::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        if starts.last() == Some(&i) {
                            starts.pop();
                        }
                        return Some(Body {
                            kind,
                            open,
                            close: i,
                            starts,
                            commas,
                        });
                    }
                }
                Token::Comma if depth == 1 => {
                    commas.push(i);
                    starts.push(i + 1);
                }
                _ => {}
            }
        }
        None
    }
}

struct Head {
    created: Created,
    body: Option<Body>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    /// The columns and constraints of `CREATE TABLE`.
    Table,
    /// The labels of `CREATE TYPE … AS ENUM`.
    Enum,
}

struct Body {
    kind: BodyKind,
    open: usize,
    close: usize,
    /// The first token of each element.
    starts: Vec<usize>,
    /// The comma after each element but the last.
    commas: Vec<usize>,
}

impl Body {
    /// The element (its first token) a comment inside the list applies to: the next one when
    /// the comment is on a line of its own, the one that ends on its line when it trails it.
    fn element_for(&self, tokens: &Tokens, c: &Comment) -> Option<usize> {
        let next = c.before;
        if next <= self.open || next > self.close {
            return None;
        }
        let previous = next - 1;
        let trailing = tokens.sig.get(previous).is_some_and(|t| t.line == c.line);
        if !trailing {
            return self.starts.contains(&next).then_some(next);
        }
        if previous == self.open {
            return None;
        }
        // The element the previous token belongs to, which must end at the comment: at its
        // comma, or at the closing parenthesis.
        let element = self
            .starts
            .iter()
            .rev()
            .find(|&&s| s <= previous)
            .copied()?;
        let index = self.starts.iter().position(|&s| s == element)?;
        let ends_here = self.commas.get(index) == Some(&previous)
            || (next == self.close && self.commas.get(index).is_none());
        ends_here.then_some(element)
    }
}

/// A table element starting at token `i`: a column, or a `CONSTRAINT name` constraint.
fn table_element(tokens: &Tokens, i: usize) -> Result<(RenameKind, String), String> {
    let unnamed = "an unnamed constraint cannot be renamed: name it with CONSTRAINT name …";
    if tokens.is(i, "CONSTRAINT") {
        let name = tokens.word(i + 1).ok_or_else(not_applicable)?;
        return Ok((RenameKind::Constraint, fold(name)));
    }
    for kw in ["PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "LIKE"] {
        if tokens.is(i, kw) {
            return Err(unnamed.to_owned());
        }
    }
    if tokens.is(i, "EXCLUDE")
        && (tokens.is(i + 1, "USING") || tokens.is_token(i + 1, &Token::LParen))
    {
        return Err(unnamed.to_owned());
    }
    match tokens.word(i) {
        Some(w) => Ok((RenameKind::Column, fold(w))),
        None => Err(not_applicable()),
    }
}

/// An identifier token as PostgreSQL stores it.
fn fold(word: &Word) -> String {
    if word.quote_style.is_some() {
        truncate_identifier(&word.value)
    } else {
        truncate_identifier(&word.value.to_ascii_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn old(text: &str) -> Result<OldName, String> {
        directive(&Annotation {
            span: 0..0,
            text: text.to_owned(),
        })
    }

    #[test]
    fn directives_are_read() {
        assert_eq!(
            old("renamed-from Old_Name"),
            Ok(OldName::Bare("Old_Name".into()))
        );
        assert_eq!(
            old("renamed-from \"A \"\"b\"\"\""),
            Ok(OldName::Double("A \"b\"".into()))
        );
        assert_eq!(
            old("renamed-from 'it''s'"),
            Ok(OldName::Single("it's".into()))
        );
        assert!(
            old("renamed-form x")
                .expect_err("unknown")
                .contains("unknown")
        );
        assert!(old("renamed-from").is_err());
        assert!(old("renamed-from \"x\" y").is_err());
        assert!(old("renamed-from \"x").is_err());
        assert_eq!(
            OldName::Bare("Old_Name".into()).identifier(),
            Ok("old_name".into())
        );
        assert!(OldName::Bare("s.t".into()).identifier().is_err());
        assert!(OldName::Bare("a b".into()).identifier().is_err());
        assert_eq!(OldName::Bare("a b".into()).label(), Ok("a b".into()));
    }

    #[test]
    fn heads_are_read() {
        let c =
            created("CREATE UNIQUE INDEX IF NOT EXISTS \"I\" ON ONLY app.T (x)").expect("an index");
        assert_eq!(c.kind, CreatedKind::Index);
        assert_eq!(c.name, ["I"]);
        assert_eq!(c.table, Some(vec!["app".to_owned(), "t".to_owned()]));
        let c = created("create or replace materialized view S.V as select 1").expect("a view");
        assert_eq!(c.kind, CreatedKind::MaterializedView);
        assert_eq!(c.name, ["s", "v"]);
        assert_eq!(created("CREATE FUNCTION f() RETURNS int"), None);
    }
}
