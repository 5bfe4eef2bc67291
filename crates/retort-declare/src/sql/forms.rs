//! The PostgreSQL forms that stock sqlparser rejects: those sqlparser's AST can hold are
//! returned as [`Statement`]s from [`RetortDialect`](super::RetortDialect); the others as
//! [`RetortStatement`]s.

use sqlparser::ast::{
    ArgMode, DataType, Expr, Ident, ObjectName, OperateFunctionArg, SequenceOptions, Statement,
};
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::rewrite::{FunctionExtras, ViewExtras};

/// A statement that sqlparser's AST cannot represent.
#[derive(Clone, Debug, PartialEq)]
pub enum RetortStatement {
    /// `ALTER SEQUENCE [IF EXISTS] name [AS type] [options] [RESTART [WITH n]] [OWNED BY …]`.
    AlterSequence(Box<AlterSequence>),
    /// `COMMENT ON <kind> <target> IS '…' | NULL`.
    CommentOn(CommentOn),
    /// `CREATE [OR REPLACE] [TRUSTED] [PROCEDURAL] LANGUAGE name` (as old pg_dump writes for
    /// plpgsql).
    CreateLanguage { or_replace: bool, name: Ident },
    /// `CREATE FUNCTION` or `CREATE PROCEDURE`: sqlparser's `Statement::CreateFunction` and the
    /// attributes it has no field for.
    CreateFunction {
        statement: Box<Statement>,
        extras: FunctionExtras,
    },
    /// `CREATE [MATERIALIZED] VIEW`: sqlparser's `Statement::CreateView` and the clauses it
    /// has no field for.
    CreateView {
        statement: Box<Statement>,
        extras: ViewExtras,
    },
    /// `ALTER TABLE [ONLY] table CLUSTER ON index`.
    ClusterOn { table: ObjectName, index: Ident },
}

/// `ALTER SEQUENCE`.
#[derive(Clone, Debug, PartialEq)]
pub struct AlterSequence {
    pub if_exists: bool,
    pub name: ObjectName,
    pub data_type: Option<DataType>,
    pub options: Vec<SequenceOptions>,
    /// `RESTART` (`Some(None)`) or `RESTART WITH n`.
    pub restart: Option<Option<Expr>>,
    pub owned_by: Option<OwnedBy>,
}

/// The target of `OWNED BY`.
#[derive(Clone, Debug, PartialEq)]
pub enum OwnedBy {
    None,
    /// `table.column` (possibly schema-qualified).
    Column(ObjectName),
}

/// `COMMENT ON`.
#[derive(Clone, Debug, PartialEq)]
pub struct CommentOn {
    pub kind: CommentKind,
    /// The object's name; for a column `table.column`, for constraints, triggers, policies and
    /// rules the bare name (the relation is in `on`).
    pub name: ObjectName,
    /// Argument types of a function, procedure, routine or aggregate.
    pub args: Option<Vec<OperateFunctionArg>>,
    /// `… ON table` (`ON DOMAIN d` for [`CommentKind::DomainConstraint`]).
    pub on: Option<ObjectName>,
    /// The comment, unescaped; `None` for `IS NULL`.
    pub comment: Option<String>,
}

/// What `COMMENT ON` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CommentKind {
    Aggregate,
    Collation,
    Column,
    Constraint,
    Database,
    Domain,
    DomainConstraint,
    EventTrigger,
    Extension,
    ForeignTable,
    Function,
    Index,
    Language,
    MaterializedView,
    Policy,
    Procedure,
    Role,
    Routine,
    Rule,
    Schema,
    Sequence,
    Table,
    Trigger,
    Type,
    View,
}

/// Whether `token` is the unquoted word `word` (case-insensitive).
fn is_word(token: &Token, word: &str) -> bool {
    matches!(token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
}

/// Whether the next tokens are the unquoted words `words`.
fn peek_words(parser: &Parser, words: &[&str]) -> bool {
    let tokens: [TokenWithSpan; 6] = parser.peek_tokens_with_location();
    words.len() <= tokens.len()
        && words
            .iter()
            .zip(tokens.iter())
            .all(|(w, t)| is_word(&t.token, w))
}

/// Consumes the words `words` if they come next.
fn eat_words(parser: &mut Parser, words: &[&str]) -> bool {
    if peek_words(parser, words) {
        for _ in words {
            parser.next_token();
        }
        true
    } else {
        false
    }
}

fn expect_words(parser: &mut Parser, words: &[&str]) -> Result<(), ParserError> {
    if eat_words(parser, words) {
        Ok(())
    } else {
        let found = parser.peek_token();
        parser.expected(&words.join(" "), found)
    }
}

/// Called by the dialect before sqlparser's own statement parser.
pub(super) fn parse_statement(parser: &mut Parser) -> Option<Result<Statement, ParserError>> {
    if peek_words(parser, &["CREATE", "SEQUENCE"])
        || peek_words(parser, &["CREATE", "TEMP", "SEQUENCE"])
        || peek_words(parser, &["CREATE", "TEMPORARY", "SEQUENCE"])
    {
        return Some(create_sequence(parser));
    }
    None
}

/// Tried before the dialect: forms that become a [`RetortStatement`].
pub(super) fn parse_retort(parser: &mut Parser) -> Option<Result<RetortStatement, ParserError>> {
    if peek_words(parser, &["ALTER", "SEQUENCE"]) {
        return Some(alter_sequence(parser));
    }
    if peek_words(parser, &["COMMENT", "ON"]) {
        return Some(comment_on(parser).map(RetortStatement::CommentOn));
    }
    if peek_words(parser, &["CREATE"]) {
        let tokens: [TokenWithSpan; 6] = parser.peek_tokens_with_location();
        let language = tokens[1..]
            .iter()
            .take_while(|t| {
                ["OR", "REPLACE", "TRUSTED", "PROCEDURAL"]
                    .iter()
                    .any(|w| is_word(&t.token, w))
            })
            .count();
        if is_word(&tokens[1 + language].token, "LANGUAGE") {
            return Some(create_language(parser));
        }
    }
    if peek_words(parser, &["ALTER", "TABLE"]) {
        match parser.maybe_parse(cluster_on) {
            Ok(Some(statement)) => return Some(Ok(statement)),
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
    }
    None
}

fn create_sequence(parser: &mut Parser) -> Result<Statement, ParserError> {
    parser.next_token(); // CREATE
    let temporary = eat_words(parser, &["TEMP"]) || eat_words(parser, &["TEMPORARY"]);
    expect_words(parser, &["SEQUENCE"])?;
    let if_not_exists = eat_words(parser, &["IF", "NOT", "EXISTS"]);
    let name = parser.parse_object_name(false)?;
    let mut data_type = None;
    let mut options = Vec::new();
    let mut owned_by = None;
    let mut restart = None;
    sequence_options(
        parser,
        &mut data_type,
        &mut options,
        &mut owned_by,
        &mut restart,
    )?;
    if restart.is_some() {
        return parser.expected("a sequence option", parser.peek_token());
    }
    Ok(Statement::CreateSequence {
        temporary,
        if_not_exists,
        name,
        data_type,
        sequence_options: options,
        owned_by: owned_by.map(|o| match o {
            OwnedBy::None => ObjectName::from(vec![Ident::new("NONE")]),
            OwnedBy::Column(c) => c,
        }),
    })
}

fn alter_sequence(parser: &mut Parser) -> Result<RetortStatement, ParserError> {
    parser.next_token(); // ALTER
    parser.next_token(); // SEQUENCE
    let if_exists = eat_words(parser, &["IF", "EXISTS"]);
    let name = parser.parse_object_name(false)?;
    let mut data_type = None;
    let mut options = Vec::new();
    let mut owned_by = None;
    let mut restart = None;
    sequence_options(
        parser,
        &mut data_type,
        &mut options,
        &mut owned_by,
        &mut restart,
    )?;
    if data_type.is_none() && options.is_empty() && owned_by.is_none() && restart.is_none() {
        return parser.expected("a sequence option", parser.peek_token());
    }
    Ok(RetortStatement::AlterSequence(Box::new(AlterSequence {
        if_exists,
        name,
        data_type,
        options,
        restart,
        owned_by,
    })))
}

/// Sequence options in any order, as PostgreSQL accepts them.
fn sequence_options(
    parser: &mut Parser,
    data_type: &mut Option<DataType>,
    options: &mut Vec<SequenceOptions>,
    owned_by: &mut Option<OwnedBy>,
    restart: &mut Option<Option<Expr>>,
) -> Result<(), ParserError> {
    loop {
        if eat_words(parser, &["AS"]) {
            *data_type = Some(parser.parse_data_type()?);
        } else if eat_words(parser, &["INCREMENT"]) {
            let by = eat_words(parser, &["BY"]);
            options.push(SequenceOptions::IncrementBy(parser.parse_number()?, by));
        } else if eat_words(parser, &["MINVALUE"]) {
            options.push(SequenceOptions::MinValue(Some(parser.parse_number()?)));
        } else if eat_words(parser, &["NO", "MINVALUE"]) {
            options.push(SequenceOptions::MinValue(None));
        } else if eat_words(parser, &["MAXVALUE"]) {
            options.push(SequenceOptions::MaxValue(Some(parser.parse_number()?)));
        } else if eat_words(parser, &["NO", "MAXVALUE"]) {
            options.push(SequenceOptions::MaxValue(None));
        } else if eat_words(parser, &["START"]) {
            let with = eat_words(parser, &["WITH"]);
            options.push(SequenceOptions::StartWith(parser.parse_number()?, with));
        } else if eat_words(parser, &["RESTART"]) {
            let with = eat_words(parser, &["WITH"]);
            *restart = Some(if with || number_next(parser) {
                Some(parser.parse_number()?)
            } else {
                None
            });
        } else if eat_words(parser, &["CACHE"]) {
            options.push(SequenceOptions::Cache(parser.parse_number()?));
        } else if eat_words(parser, &["CYCLE"]) {
            options.push(SequenceOptions::Cycle(true));
        } else if eat_words(parser, &["NO", "CYCLE"]) {
            options.push(SequenceOptions::Cycle(false));
        } else if eat_words(parser, &["OWNED", "BY"]) {
            *owned_by = Some(if eat_words(parser, &["NONE"]) {
                OwnedBy::None
            } else {
                OwnedBy::Column(parser.parse_object_name(false)?)
            });
        } else {
            return Ok(());
        }
    }
}

fn number_next(parser: &Parser) -> bool {
    matches!(
        parser.peek_token().token,
        Token::Number(..) | Token::Minus | Token::Plus
    )
}

fn create_language(parser: &mut Parser) -> Result<RetortStatement, ParserError> {
    parser.next_token(); // CREATE
    let or_replace = eat_words(parser, &["OR", "REPLACE"]);
    eat_words(parser, &["TRUSTED"]);
    eat_words(parser, &["PROCEDURAL"]);
    expect_words(parser, &["LANGUAGE"])?;
    let name = parser.parse_identifier()?;
    Ok(RetortStatement::CreateLanguage { or_replace, name })
}

fn cluster_on(parser: &mut Parser) -> Result<RetortStatement, ParserError> {
    expect_words(parser, &["ALTER", "TABLE"])?;
    eat_words(parser, &["IF", "EXISTS"]);
    eat_words(parser, &["ONLY"]);
    let table = parser.parse_object_name(false)?;
    expect_words(parser, &["CLUSTER", "ON"])?;
    let index = parser.parse_identifier()?;
    Ok(RetortStatement::ClusterOn { table, index })
}

const COMMENT_KINDS: &[(&[&str], CommentKind)] = &[
    (&["AGGREGATE"], CommentKind::Aggregate),
    (&["COLLATION"], CommentKind::Collation),
    (&["COLUMN"], CommentKind::Column),
    (&["CONSTRAINT"], CommentKind::Constraint),
    (&["DATABASE"], CommentKind::Database),
    (&["DOMAIN"], CommentKind::Domain),
    (&["EVENT", "TRIGGER"], CommentKind::EventTrigger),
    (&["EXTENSION"], CommentKind::Extension),
    (&["FOREIGN", "TABLE"], CommentKind::ForeignTable),
    (&["FUNCTION"], CommentKind::Function),
    (&["INDEX"], CommentKind::Index),
    (&["PROCEDURAL", "LANGUAGE"], CommentKind::Language),
    (&["LANGUAGE"], CommentKind::Language),
    (&["MATERIALIZED", "VIEW"], CommentKind::MaterializedView),
    (&["POLICY"], CommentKind::Policy),
    (&["PROCEDURE"], CommentKind::Procedure),
    (&["ROLE"], CommentKind::Role),
    (&["ROUTINE"], CommentKind::Routine),
    (&["RULE"], CommentKind::Rule),
    (&["SCHEMA"], CommentKind::Schema),
    (&["SEQUENCE"], CommentKind::Sequence),
    (&["TABLE"], CommentKind::Table),
    (&["TRIGGER"], CommentKind::Trigger),
    (&["TYPE"], CommentKind::Type),
    (&["VIEW"], CommentKind::View),
];

fn comment_on(parser: &mut Parser) -> Result<CommentOn, ParserError> {
    expect_words(parser, &["COMMENT", "ON"])?;
    let Some(mut kind) = COMMENT_KINDS
        .iter()
        .find(|(words, _)| eat_words(parser, words))
        .map(|(_, kind)| *kind)
    else {
        return parser.expected("an object kind that retort reads", parser.peek_token());
    };
    let name = match kind {
        CommentKind::Constraint
        | CommentKind::Trigger
        | CommentKind::Policy
        | CommentKind::Rule
        | CommentKind::Schema
        | CommentKind::Extension
        | CommentKind::Database
        | CommentKind::Role
        | CommentKind::Language
        | CommentKind::EventTrigger => ObjectName::from(vec![parser.parse_identifier()?]),
        _ => parser.parse_object_name(false)?,
    };
    let args = match kind {
        CommentKind::Function
        | CommentKind::Procedure
        | CommentKind::Routine
        | CommentKind::Aggregate
            if parser.consume_token(&Token::LParen) =>
        {
            let mut args = Vec::new();
            if kind == CommentKind::Aggregate && parser.consume_token(&Token::Mul) {
                parser.expect_token(&Token::RParen)?;
            } else if !parser.consume_token(&Token::RParen) {
                loop {
                    args.push(argument(parser)?);
                    if parser.consume_token(&Token::RParen) {
                        break;
                    }
                    parser.expect_token(&Token::Comma)?;
                }
            }
            Some(args)
        }
        _ => None,
    };
    let on = match kind {
        CommentKind::Constraint
        | CommentKind::Trigger
        | CommentKind::Policy
        | CommentKind::Rule => {
            expect_words(parser, &["ON"])?;
            if kind == CommentKind::Constraint && eat_words(parser, &["DOMAIN"]) {
                kind = CommentKind::DomainConstraint;
            }
            Some(parser.parse_object_name(false)?)
        }
        _ => None,
    };
    expect_words(parser, &["IS"])?;
    let comment = if eat_words(parser, &["NULL"]) {
        None
    } else {
        Some(string_literal(parser)?)
    };
    Ok(CommentOn {
        kind,
        name,
        args,
        on,
        comment,
    })
}

/// `[argmode] [argname] argtype` in a function signature.
fn argument(parser: &mut Parser) -> Result<OperateFunctionArg, ParserError> {
    let mode = if eat_words(parser, &["IN"]) {
        Some(ArgMode::In)
    } else if eat_words(parser, &["OUT"]) {
        Some(ArgMode::Out)
    } else if eat_words(parser, &["INOUT"]) {
        Some(ArgMode::InOut)
    } else if eat_words(parser, &["VARIADIC"]) {
        Some(ArgMode::Variadic)
    } else {
        None
    };
    // A type alone (`character varying`), else a name and a type (`a integer`).
    let end_of_argument = |p: &mut Parser| match p.peek_token().token {
        Token::Comma | Token::RParen => Ok(()),
        _ => p.expected(", or )", p.peek_token()),
    };
    let alone = parser.maybe_parse(|p| {
        let data_type = p.parse_data_type()?;
        end_of_argument(p)?;
        Ok(data_type)
    })?;
    let (name, data_type) = match alone {
        Some(data_type) => (None, data_type),
        None => {
            let name = parser.parse_identifier()?;
            let data_type = parser.parse_data_type()?;
            end_of_argument(parser)?;
            (Some(name), data_type)
        }
    };
    Ok(OperateFunctionArg {
        mode,
        name,
        data_type,
        default_expr: None,
    })
}

/// A string constant in any of PostgreSQL's spellings, unescaped.
fn string_literal(parser: &mut Parser) -> Result<String, ParserError> {
    let token = parser.next_token();
    match token.token {
        Token::SingleQuotedString(s)
        | Token::EscapedStringLiteral(s)
        | Token::UnicodeStringLiteral(s)
        | Token::NationalStringLiteral(s) => Ok(s),
        Token::DollarQuotedString(d) => Ok(d.value),
        _ => parser.expected("a string", token),
    }
}
