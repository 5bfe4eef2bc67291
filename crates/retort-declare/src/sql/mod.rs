//! Reading declared SQL files: [`split()`] a file into statements with exact spans, then
//! [`parse_file`] each with [`RetortDialect`] (sqlparser's PostgreSQL dialect plus the forms
//! it rejects). Session settings, ownership and psql meta-commands are recognised and dropped;
//! privileges are kept as [`Parsed::Ignored`] for a later step to decide; anything else that
//! does not parse is an error at the offending token.
//!
//! Which shape a statement takes:
//! - always [`Parsed::Retort`]: `CREATE TABLE`, `CREATE [UNIQUE] INDEX`, `CREATE SEQUENCE`,
//!   `ALTER SEQUENCE`, `CREATE FUNCTION`/`PROCEDURE`, `CREATE TRIGGER`, `CREATE [MATERIALIZED]
//!   VIEW`, `CREATE DOMAIN`, `ALTER DOMAIN`, `COMMENT ON`, `CREATE LANGUAGE`, `ALTER INDEX ..
//!   ATTACH PARTITION`, `ALTER VIEW .. ALTER COLUMN .. DEFAULT`, `ALTER {INDEX | VIEW |
//!   MATERIALIZED VIEW} .. {SET | RESET} (..)`, `ALTER {VIEW | MATERIALIZED VIEW | SEQUENCE} ..
//!   RENAME TO`, `ALTER TYPE .. {ADD | DROP | ALTER} ATTRIBUTE`, `ALTER EXTENSION`, `REFRESH
//!   MATERIALIZED VIEW`, `ALTER TRIGGER .. RENAME TO`. Where sqlparser's AST holds most of the
//!   statement, the variant carries that `Statement` plus what it has no field for;
//! - [`Parsed::Retort`] only when stock sqlparser rejects it: `ALTER TABLE` (then every action
//!   is a [`AlterTableAction`], sqlparser's own ones as [`AlterTableAction::Sql`]), and always
//!   when a column it adds names its identity sequence (`SEQUENCE NAME`) or writes identity
//!   options in an order sqlparser does not read;
//! - everything else: [`Parsed::Sql`].
//!
//! Never trust sqlparser's `Display` for string literals: read the token values (as the
//! retort forms here do) and quote with `retort_sql::quote`.

pub mod annotation;
mod dialect;
mod forms;
mod rewrite;
pub mod split;

use std::ops::Range;

use sqlparser::ast::Statement;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, Tokenizer, Word};

pub use dialect::RetortDialect;
pub use forms::{
    AlterDomainAction, AlterRelation, AlterSequence, AlterTable, AlterTableAction, AttributeAction,
    CommentKind, CommentOn, CreateDomain, DomainConstraint, DomainConstraintKind, ExtensionAction,
    OwnedBy, PartitionBound, RelationAction, RelationKind, RetortStatement,
};
pub use rewrite::{CheckOption, FunctionExtras, TableExtras, ViewExtras, WITH_OPTIONS_TYPE};
pub use split::{Annotation, Piece, PieceKind, SplitError, split, split_with_trailing};

use crate::error::SourceError;
use crate::files::SchemaFile;

/// One statement of a SQL file, parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedStatement {
    /// Byte span in the file, from the first token to the last (the `;` excluded).
    pub span: Range<usize>,
    /// The statement's text (`&file.text[span]`).
    pub text: String,
    /// The `-- retort:` comments just before the statement.
    pub annotations: Vec<Annotation>,
    pub parsed: Parsed,
}

impl ParsedStatement {
    /// The statement if it is one of retort's own forms.
    pub fn retort(&self) -> Option<&RetortStatement> {
        match &self.parsed {
            Parsed::Retort(statement) => Some(statement),
            _ => None,
        }
    }

    /// The statement if sqlparser's AST holds it.
    pub fn sql(&self) -> Option<&Statement> {
        match &self.parsed {
            Parsed::Sql(statement) => Some(statement),
            _ => None,
        }
    }
}

/// What a statement was read as.
#[derive(Clone, Debug, PartialEq)]
pub enum Parsed {
    /// A statement sqlparser's AST holds.
    Sql(Box<Statement>),
    /// A PostgreSQL form sqlparser's AST cannot hold.
    Retort(Box<RetortStatement>),
    /// Recognised but not managed yet.
    Ignored(Ignored),
}

/// Statements recognised and kept aside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ignored {
    /// `GRANT`, `REVOKE`, `ALTER DEFAULT PRIVILEGES`: privileges are not managed yet.
    Privileges,
}

/// How [`parse_piece`] classified a piece that yields no statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dropped {
    /// `SET …`, `RESET …`, `SELECT pg_catalog.set_config(…)`.
    Session,
    /// `ALTER … OWNER TO …`.
    Owner,
    /// A psql meta-command line (`\restrict KEY`, …).
    MetaCommand,
    /// The data lines of a `COPY … FROM stdin`.
    CopyData,
}

/// Reads every statement of a SQL file; the first problem is an error at its place.
pub fn parse_file(file: &SchemaFile) -> Result<Vec<ParsedStatement>, SourceError> {
    let pieces = split_file(file)?;
    let mut out = Vec::with_capacity(pieces.len());
    for piece in &pieces {
        if let Ok(statement) = parse_piece(file, piece)? {
            out.push(statement);
        }
    }
    Ok(out)
}

/// [`split()`] with its error as a [`SourceError`].
pub fn split_file(file: &SchemaFile) -> Result<Vec<Piece>, SourceError> {
    split(&file.text)
        .map_err(|e| SourceError::new(file.display.clone(), file.text.clone(), e.span, e.message))
}

/// [`split_with_trailing`] with its error as a [`SourceError`].
pub fn split_file_with_trailing(
    file: &SchemaFile,
) -> Result<(Vec<Piece>, Vec<Annotation>), SourceError> {
    split_with_trailing(&file.text)
        .map_err(|e| SourceError::new(file.display.clone(), file.text.clone(), e.span, e.message))
}

/// Parses one piece of `file`: a statement, or the reason it yields none.
pub fn parse_piece(
    file: &SchemaFile,
    piece: &Piece,
) -> Result<Result<ParsedStatement, Dropped>, SourceError> {
    match piece.kind {
        PieceKind::MetaCommand => return Ok(Err(Dropped::MetaCommand)),
        PieceKind::CopyData => return Ok(Err(Dropped::CopyData)),
        PieceKind::Statement => {}
    }
    let text = piece.text(&file.text);
    let error = |(at, message): (usize, String)| {
        let start = piece.span.start + at;
        let end = start + token_len(&file.text[start..]);
        SourceError::new(file.display.clone(), file.text.clone(), start..end, message)
    };
    let parsed = parse_statement_text(text).map_err(error)?;
    Ok(parsed.map(|parsed| ParsedStatement {
        span: piece.span.clone(),
        text: text.to_owned(),
        annotations: piece.annotations.clone(),
        parsed,
    }))
}

/// Parses one statement (no trailing `;`). An error carries the byte offset in `text` of the
/// offending token and a message.
pub fn parse_statement_text(text: &str) -> Result<Result<Parsed, Dropped>, (usize, String)> {
    let words = leading_words(text, 6);
    let word = |i: usize| words.get(i).map(String::as_str);
    match (word(0), word(1)) {
        (Some("SET" | "RESET"), _) => return Ok(Err(Dropped::Session)),
        (Some("SELECT"), Some("SET_CONFIG")) if !has_from(text) => {
            return Ok(Err(Dropped::Session));
        }
        (Some("SELECT"), Some("PG_CATALOG"))
            if word(2) == Some("SET_CONFIG") && !has_from(text) =>
        {
            return Ok(Err(Dropped::Session));
        }
        (Some("GRANT" | "REVOKE"), _) => return Ok(Ok(Parsed::Ignored(Ignored::Privileges))),
        (Some("ALTER"), Some("DEFAULT")) if word(2) == Some("PRIVILEGES") => {
            return Ok(Ok(Parsed::Ignored(Ignored::Privileges)));
        }
        (Some("ALTER"), _) if ends_with_owner_to(text) => return Ok(Err(Dropped::Owner)),
        _ => {}
    }
    if let Some(result) = rewrite::parse(text) {
        return Ok(Ok(result.map_err(|e| locate(text, &e))?));
    }
    let dialect = RetortDialect;
    let mut parser = Parser::new(&dialect)
        .try_with_sql(text)
        .map_err(|e| locate(text, &e))?;
    if let Some(result) = forms::parse_retort(&mut parser) {
        let statement = result.map_err(|e| locate(text, &e))?;
        expect_end(&mut parser).map_err(|e| locate(text, &e))?;
        return Ok(Ok(Parsed::Retort(Box::new(statement))));
    }
    let stock = parser
        .parse_statement()
        .and_then(|statement| expect_end(&mut parser).map(|()| statement));
    let stock_error = match stock {
        Ok(statement) => return Ok(Ok(Parsed::Sql(Box::new(statement)))),
        Err(e) => locate(text, &e),
    };
    // Forms read only when stock sqlparser rejects the statement; the error reported is the
    // one that got further into the text.
    if words.len() >= 2 && words[0] == "ALTER" && words[1] == "TABLE" {
        let mut parser = Parser::new(&dialect)
            .try_with_sql(text)
            .map_err(|e| locate(text, &e))?;
        let retort = forms::alter_table(&mut parser)
            .and_then(|statement| expect_end(&mut parser).map(|()| statement));
        match retort {
            Ok(statement) => return Ok(Ok(Parsed::Retort(Box::new(statement)))),
            Err(e) => {
                let retort_error = locate(text, &e);
                if retort_error.0 > stock_error.0 {
                    return Err(retort_error);
                }
            }
        }
    }
    Err(stock_error)
}

/// Whether a statement of a migration changes data or the session rather than the schema:
/// transaction control, data statements (`INSERT`, `UPDATE`, `DELETE`, `MERGE`, `COPY`,
/// `SELECT`, `WITH …`), procedural blocks (`DO`, `CALL`) and maintenance (`ANALYZE`, `VACUUM`,
/// `REFRESH MATERIALIZED VIEW`, `LOCK`, …). A migration's replay carries these without
/// interpreting them. `SET`, `RESET` and `SELECT set_config(…)` are not among them: the replay
/// follows the search path they set.
pub fn is_carried(text: &str) -> bool {
    let words = leading_words(text, 3);
    let word = |i: usize| words.get(i).map(String::as_str);
    match word(0) {
        Some(
            "BEGIN" | "START" | "COMMIT" | "END" | "ROLLBACK" | "ABORT" | "SAVEPOINT" | "RELEASE"
            | "INSERT" | "UPDATE" | "DELETE" | "MERGE" | "COPY" | "WITH" | "VALUES" | "TABLE"
            | "DO" | "CALL" | "TRUNCATE" | "ANALYZE" | "ANALYSE" | "VACUUM" | "LOCK" | "NOTIFY"
            | "LISTEN" | "UNLISTEN" | "REFRESH" | "CLUSTER" | "REINDEX" | "DISCARD" | "CHECKPOINT"
            | "PREPARE" | "EXECUTE" | "DEALLOCATE",
        ) => true,
        Some("SELECT") => {
            !matches!(
                (word(1), word(2)),
                (Some("SET_CONFIG"), _) | (Some("PG_CATALOG"), Some("SET_CONFIG"))
            ) || has_from(text)
        }
        _ => false,
    }
}

fn expect_end(parser: &mut Parser) -> Result<(), ParserError> {
    while parser.consume_token(&Token::SemiColon) {}
    let next = parser.peek_token();
    if next.token == Token::EOF {
        Ok(())
    } else {
        parser.expected("end of statement", next)
    }
}

/// The first `n` keywords or identifiers of `text`, upper-cased (quoted identifiers are kept
/// as written, so they never match a keyword).
fn leading_words(text: &str, n: usize) -> Vec<String> {
    let Ok(tokens) = Tokenizer::new(&RetortDialect, text).tokenize() else {
        return Vec::new();
    };
    tokens
        .iter()
        .filter_map(|t| match t {
            Token::Word(Word {
                value,
                quote_style: None,
                ..
            }) => Some(value.to_ascii_uppercase()),
            Token::Word(Word { value, .. }) => Some(value.clone()),
            Token::Whitespace(_) | Token::Period | Token::LParen => None,
            _ => Some(String::new()),
        })
        .take(n)
        .collect()
}

/// Whether `text` has a `FROM` keyword (a `SELECT` that reads a table is not a setting).
fn has_from(text: &str) -> bool {
    Tokenizer::new(&RetortDialect, text)
        .tokenize()
        .map_or(true, |tokens| {
            tokens.iter().any(|t| {
                matches!(t, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("from"))
            })
        })
}

/// `ALTER … OWNER TO role`.
fn ends_with_owner_to(text: &str) -> bool {
    let Ok(tokens) = Tokenizer::new(&RetortDialect, text).tokenize() else {
        return false;
    };
    let significant: Vec<&Token> = tokens
        .iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    // `ALTER TABLE t RENAME [COLUMN] owner TO x` renames a column called owner.
    let renames = significant.iter().any(
        |t| matches!(t, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("rename")),
    );
    let n = significant.len();
    !renames
        && n >= 4
        && matches!(significant[n - 1], Token::Word(_))
        && matches!(significant[n - 2], Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("to"))
        && matches!(significant[n - 3], Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("owner"))
}

/// The byte offset in `text` that sqlparser's error points at (`… at Line: L, Column: C`),
/// and the message without that suffix.
fn locate(text: &str, error: &ParserError) -> (usize, String) {
    let message = match error {
        ParserError::TokenizerError(m) | ParserError::ParserError(m) => m.clone(),
        ParserError::RecursionLimitExceeded => {
            return (0, "statement nested too deeply".to_owned());
        }
    };
    let Some(at) = message.rfind(" at Line: ") else {
        return (0, message);
    };
    let location = &message[at + " at Line: ".len()..];
    let mut parts = location.split(", Column: ");
    let line = parts.next().and_then(|l| l.trim().parse::<usize>().ok());
    let column = parts.next().and_then(|c| c.trim().parse::<usize>().ok());
    let (Some(line), Some(column)) = (line, column) else {
        return (0, message);
    };
    (
        offset_of(text, line, column),
        message[..at].trim_end().to_owned(),
    )
}

/// Byte offset of 1-based `line` and character `column` in `text` (clamped to the text).
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut line_start = 0;
    for _ in 1..line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[line_start..];
    let line_end = line_text.find('\n').unwrap_or(line_text.len());
    line_text[..line_end]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_start + line_end, |(i, _)| line_start + i)
}

/// Length in bytes of the word or single character at the start of `rest`, for the caret.
fn token_len(rest: &str) -> usize {
    let word: usize = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
        .map(char::len_utf8)
        .sum();
    if word > 0 {
        word
    } else {
        rest.chars().next().map_or(0, char::len_utf8)
    }
}

/// Parses `text` as one SQL expression (a default, a check, an index key written in TOML).
pub fn parse_expr(text: &str) -> Result<sqlparser::ast::Expr, String> {
    let mut parser = Parser::new(&RetortDialect)
        .try_with_sql(text)
        .map_err(|e| locate(text, &e).1)?;
    let expr = parser.parse_expr().map_err(|e| locate(text, &e).1)?;
    expect_end(&mut parser).map_err(|e| locate(text, &e).1)?;
    Ok(expr)
}

/// Parses `text` as one SQL type name (`int`, `varchar(20)[]`, `public.mood`).
pub fn parse_data_type(text: &str) -> Result<sqlparser::ast::DataType, String> {
    let mut parser = Parser::new(&RetortDialect)
        .try_with_sql(text)
        .map_err(|e| locate(text, &e).1)?;
    let data_type = parser.parse_data_type().map_err(|e| locate(text, &e).1)?;
    expect_end(&mut parser).map_err(|e| locate(text, &e).1)?;
    Ok(data_type)
}
