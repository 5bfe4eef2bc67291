//! The PostgreSQL forms that stock sqlparser rejects: those sqlparser's AST can hold are
//! returned as [`Statement`]s from [`RetortDialect`](super::RetortDialect); the others as
//! [`RetortStatement`]s.

use sqlparser::ast::{
    AlterTableOperation, ArgMode, CreateExtension, DataType, Expr, Ident, ObjectName,
    OperateFunctionArg, SequenceOptions, Statement,
};
use sqlparser::dialect::{Dialect, Precedence};
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::rewrite::{FunctionExtras, TableExtras, ViewExtras};

/// A statement that sqlparser's AST cannot represent.
#[derive(Clone, Debug, PartialEq)]
pub enum RetortStatement {
    /// `ALTER SEQUENCE [IF EXISTS] name [AS type] [options] [RESTART [WITH n]] [OWNED BY …]`.
    AlterSequence(Box<AlterSequence>),
    /// `CREATE [TEMP | UNLOGGED] SEQUENCE`: sqlparser's `Statement::CreateSequence` (options
    /// in any order; `OWNED BY NONE` is the name `NONE`), and whether it is unlogged.
    CreateSequence {
        statement: Box<Statement>,
        unlogged: bool,
    },
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
    /// `CREATE TABLE`: sqlparser's `Statement::CreateTable` and the constraint clauses it has
    /// no field for.
    CreateTable {
        statement: Box<Statement>,
        extras: TableExtras,
    },
    /// `CREATE [CONSTRAINT] TRIGGER`: sqlparser's `Statement::CreateTrigger` (its function
    /// arguments left empty) and the arguments as PostgreSQL passes them, strings.
    CreateTrigger {
        statement: Box<Statement>,
        args: Vec<String>,
    },
    /// `CREATE [MATERIALIZED] VIEW`: sqlparser's `Statement::CreateView` and the clauses it
    /// has no field for.
    CreateView {
        statement: Box<Statement>,
        extras: ViewExtras,
    },
    /// `CREATE DOMAIN name [AS] type [COLLATE c] [DEFAULT e] [constraint …]`.
    CreateDomain(Box<CreateDomain>),
    /// `ALTER DOMAIN name action`.
    AlterDomain {
        name: ObjectName,
        action: Box<AlterDomainAction>,
    },
    /// `ALTER INDEX [IF EXISTS] index ATTACH PARTITION partition_index` (pg_dump writes one
    /// for each partition of a partitioned index).
    AlterIndexAttachPartition {
        index: ObjectName,
        partition: ObjectName,
    },
    /// `CREATE [UNIQUE] INDEX`: sqlparser's `Statement::CreateIndex`, and whether it was
    /// `ON ONLY table` (the index of a partitioned table, without recursing to partitions).
    CreateIndex {
        statement: Box<Statement>,
        only: bool,
    },
    /// `ALTER VIEW [IF EXISTS] view ALTER [COLUMN] column {SET DEFAULT expr | DROP DEFAULT}`.
    AlterViewColumnDefault {
        view: ObjectName,
        column: Ident,
        /// `None` for `DROP DEFAULT`.
        default: Option<Box<Expr>>,
    },
    /// `ALTER TABLE` with at least one action sqlparser does not read (read only when stock
    /// sqlparser rejects the statement).
    AlterTable(Box<AlterTable>),
    /// `ALTER {INDEX | VIEW | MATERIALIZED VIEW | SEQUENCE} [IF EXISTS] name` with an action
    /// sqlparser does not read (`SET (…)`, `RESET (…)`, `RENAME TO`).
    AlterRelation(Box<AlterRelation>),
    /// `ALTER TYPE name {ADD | DROP | ALTER} ATTRIBUTE …` (a composite type).
    AlterCompositeType {
        name: ObjectName,
        action: Box<AttributeAction>,
    },
    /// `ALTER EXTENSION name {UPDATE [TO version] | SET SCHEMA schema}`.
    AlterExtension {
        name: Ident,
        action: ExtensionAction,
    },
    /// `REFRESH MATERIALIZED VIEW [CONCURRENTLY] name [WITH [NO] DATA]`.
    RefreshMaterializedView {
        concurrently: bool,
        name: ObjectName,
        /// `false` for `WITH NO DATA`.
        with_data: bool,
    },
    /// `ALTER TRIGGER name ON table RENAME TO new`.
    RenameTrigger {
        name: Ident,
        table: ObjectName,
        to: Ident,
    },
}

/// What kind of relation [`AlterRelation`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelationKind {
    Index,
    View,
    MaterializedView,
    Sequence,
}

/// `ALTER {INDEX | VIEW | MATERIALIZED VIEW | SEQUENCE} [IF EXISTS] name action`.
#[derive(Clone, Debug, PartialEq)]
pub struct AlterRelation {
    pub kind: RelationKind,
    pub if_exists: bool,
    pub name: ObjectName,
    pub action: RelationAction,
}

/// One action of [`AlterRelation`].
#[derive(Clone, Debug, PartialEq)]
pub enum RelationAction {
    /// `SET (name [= value], …)`, each an expression (`name = value` or a bare name).
    SetOptions(Vec<Expr>),
    /// `RESET (name, …)`.
    ResetOptions(Vec<ObjectName>),
    RenameTo(Ident),
}

/// One `ALTER TYPE` action on a composite type's attributes.
#[derive(Clone, Debug, PartialEq)]
pub enum AttributeAction {
    Add {
        name: Ident,
        data_type: DataType,
        collation: Option<ObjectName>,
    },
    Drop {
        if_exists: bool,
        name: Ident,
    },
    AlterType {
        name: Ident,
        data_type: DataType,
        collation: Option<ObjectName>,
    },
}

/// One `ALTER EXTENSION` action.
#[derive(Clone, Debug, PartialEq)]
pub enum ExtensionAction {
    /// `UPDATE [TO version]`; `None` for the default version.
    Update(Option<String>),
    SetSchema(Ident),
}

/// `ALTER TABLE [IF EXISTS] [ONLY] name action, …`.
#[derive(Clone, Debug, PartialEq)]
pub struct AlterTable {
    pub if_exists: bool,
    pub only: bool,
    pub name: ObjectName,
    pub actions: Vec<AlterTableAction>,
    /// The `SEQUENCE NAME` of each identity column that `ADD COLUMN` defines, in order
    /// (`None` where a column's identity names no sequence).
    pub identity_sequence_names: Vec<Option<ObjectName>>,
}

/// One action of [`AlterTable`].
#[derive(Clone, Debug, PartialEq)]
pub enum AlterTableAction {
    /// An action sqlparser reads.
    Sql(Box<AlterTableOperation>),
    /// `ALTER COLUMN c SET STATISTICS n`.
    SetStatistics { column: Ident, value: i64 },
    /// `ALTER COLUMN c SET STORAGE {PLAIN | EXTERNAL | EXTENDED | MAIN | DEFAULT}`.
    SetStorage { column: Ident, storage: Ident },
    /// `ALTER COLUMN c SET COMPRESSION method`.
    SetCompression { column: Ident, method: Ident },
    /// `ALTER COLUMN c ADD GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY [(options)]`.
    AddIdentity {
        column: Ident,
        always: bool,
        sequence_name: Option<ObjectName>,
        options: Vec<SequenceOptions>,
    },
    /// `CLUSTER ON index`.
    ClusterOn { index: Ident },
    /// `ATTACH PARTITION name {FOR VALUES … | DEFAULT}`.
    AttachPartition {
        partition: ObjectName,
        bound: PartitionBound,
    },
    /// `DETACH PARTITION name [CONCURRENTLY | FINALIZE]`.
    DetachPartition { partition: ObjectName },
    /// `INHERIT parent` (`no: false`) or `NO INHERIT parent`.
    Inherit { parent: ObjectName, no: bool },
    /// `ALTER COLUMN c DROP IDENTITY [IF EXISTS]`.
    DropIdentity { column: Ident, if_exists: bool },
    /// `ALTER COLUMN c {SET GENERATED {ALWAYS | BY DEFAULT} | SET sequence_option | RESTART
    /// [[WITH] n]} …`.
    AlterIdentity {
        column: Ident,
        /// `SET GENERATED ALWAYS` (`Some(true)`) or `BY DEFAULT` (`Some(false)`).
        always: Option<bool>,
        options: Vec<SequenceOptions>,
        /// `RESTART` (`Some(None)`) or `RESTART WITH n`.
        restart: Option<Option<Box<Expr>>>,
    },
    /// `ALTER COLUMN c DROP EXPRESSION [IF EXISTS]`.
    DropExpression { column: Ident, if_exists: bool },
    /// `ALTER COLUMN c [SET DATA] TYPE t [COLLATE collation] [USING expr]`.
    AlterColumnType {
        column: Ident,
        data_type: DataType,
        collation: Option<ObjectName>,
        using: Option<Box<Expr>>,
    },
    /// `ALTER CONSTRAINT name [[NOT] DEFERRABLE] [INITIALLY {DEFERRED | IMMEDIATE}]`.
    AlterConstraint {
        name: Ident,
        deferrable: Option<bool>,
        initially_deferred: Option<bool>,
    },
    /// `RESET (name, …)`.
    ResetOptions(Vec<ObjectName>),
    /// `SET WITHOUT CLUSTER`.
    SetWithoutCluster,
}

/// A partition bound.
#[derive(Clone, Debug, PartialEq)]
pub enum PartitionBound {
    Default,
    In(Vec<Expr>),
    Range {
        from: Vec<Expr>,
        to: Vec<Expr>,
    },
    Hash {
        modulus: Box<Expr>,
        remainder: Box<Expr>,
    },
}

/// `CREATE DOMAIN`.
#[derive(Clone, Debug, PartialEq)]
pub struct CreateDomain {
    pub name: ObjectName,
    pub data_type: DataType,
    pub collation: Option<ObjectName>,
    pub default: Option<Expr>,
    pub constraints: Vec<DomainConstraint>,
}

/// `[CONSTRAINT name] {NOT NULL | NULL | CHECK (expr)} [NOT VALID]`.
#[derive(Clone, Debug, PartialEq)]
pub struct DomainConstraint {
    pub name: Option<Ident>,
    pub kind: DomainConstraintKind,
    /// `NOT VALID` (only in `ALTER DOMAIN … ADD`).
    pub not_valid: bool,
}

/// What a [`DomainConstraint`] requires.
#[derive(Clone, Debug, PartialEq)]
pub enum DomainConstraintKind {
    NotNull,
    Null,
    Check(Box<Expr>),
}

/// One `ALTER DOMAIN` action.
#[derive(Clone, Debug, PartialEq)]
pub enum AlterDomainAction {
    SetDefault(Expr),
    DropDefault,
    SetNotNull,
    DropNotNull,
    AddConstraint(DomainConstraint),
    DropConstraint {
        if_exists: bool,
        name: Ident,
        cascade: bool,
    },
    ValidateConstraint(Ident),
    RenameConstraint {
        from: Ident,
        to: Ident,
    },
    RenameTo(Ident),
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
    /// `SET LOGGED` (`Some(false)`) or `SET UNLOGGED` (`Some(true)`).
    pub unlogged: Option<bool>,
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
    if peek_words(parser, &["CREATE", "EXTENSION"]) {
        return Some(create_extension(parser));
    }
    None
}

/// `CREATE EXTENSION [IF NOT EXISTS] name [WITH] [SCHEMA s] [VERSION v] [CASCADE]`, the
/// options in any order; a version may be a string.
fn create_extension(parser: &mut Parser) -> Result<Statement, ParserError> {
    expect_words(parser, &["CREATE", "EXTENSION"])?;
    let if_not_exists = eat_words(parser, &["IF", "NOT", "EXISTS"]);
    let name = parser.parse_identifier()?;
    eat_words(parser, &["WITH"]);
    let (mut schema, mut version, mut cascade) = (None, None, false);
    loop {
        if eat_words(parser, &["SCHEMA"]) {
            schema = Some(parser.parse_identifier()?);
        } else if eat_words(parser, &["VERSION"]) {
            version = Some(match parser.peek_token().token {
                Token::Word(_) => parser.parse_identifier()?,
                _ => Ident::with_quote('\'', string_literal(parser)?),
            });
        } else if eat_words(parser, &["CASCADE"]) {
            cascade = true;
        } else {
            break;
        }
    }
    Ok(Statement::CreateExtension(CreateExtension {
        name,
        if_not_exists,
        cascade,
        schema,
        version,
    }))
}

/// Tried before the dialect: forms that become a [`RetortStatement`].
pub(super) fn parse_retort(parser: &mut Parser) -> Option<Result<RetortStatement, ParserError>> {
    if peek_words(parser, &["CREATE", "SEQUENCE"])
        || peek_words(parser, &["CREATE", "TEMP", "SEQUENCE"])
        || peek_words(parser, &["CREATE", "TEMPORARY", "SEQUENCE"])
        || peek_words(parser, &["CREATE", "UNLOGGED", "SEQUENCE"])
    {
        let unlogged = peek_words(parser, &["CREATE", "UNLOGGED"]);
        return Some(
            create_sequence(parser).map(|statement| RetortStatement::CreateSequence {
                statement: Box::new(statement),
                unlogged,
            }),
        );
    }
    for (words, kind) in RELATION_KINDS {
        if peek_words(parser, words) {
            match parser.maybe_parse(|p| alter_relation(p, words, *kind)) {
                Ok(Some(statement)) => return Some(Ok(statement)),
                Ok(None) => {}
                Err(e) => return Some(Err(e)),
            }
        }
    }
    if peek_words(parser, &["ALTER", "SEQUENCE"]) {
        return Some(alter_sequence(parser));
    }
    if peek_words(parser, &["ALTER", "TYPE"]) {
        match parser.maybe_parse(alter_composite_type) {
            Ok(Some(statement)) => return Some(Ok(statement)),
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
    }
    if peek_words(parser, &["ALTER", "EXTENSION"]) {
        return Some(alter_extension(parser));
    }
    if peek_words(parser, &["REFRESH", "MATERIALIZED", "VIEW"]) {
        return Some(refresh_materialized_view(parser));
    }
    if peek_words(parser, &["ALTER", "TRIGGER"]) {
        return Some(rename_trigger(parser));
    }
    if peek_words(parser, &["CREATE", "DOMAIN"]) {
        return Some(create_domain(parser));
    }
    if peek_words(parser, &["ALTER", "DOMAIN"]) {
        return Some(alter_domain(parser));
    }
    if peek_words(parser, &["ALTER", "INDEX"]) {
        match parser.maybe_parse(alter_index_attach) {
            Ok(Some(statement)) => return Some(Ok(statement)),
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
    }
    if peek_words(parser, &["ALTER", "VIEW"]) {
        match parser.maybe_parse(alter_view_column_default) {
            Ok(Some(statement)) => return Some(Ok(statement)),
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
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
        if tokens
            .get(1 + language)
            .is_some_and(|t| is_word(&t.token, "LANGUAGE"))
        {
            return Some(create_language(parser));
        }
    }
    None
}

const RELATION_KINDS: &[(&[&str], RelationKind)] = &[
    (&["ALTER", "INDEX"], RelationKind::Index),
    (&["ALTER", "VIEW"], RelationKind::View),
    (
        &["ALTER", "MATERIALIZED", "VIEW"],
        RelationKind::MaterializedView,
    ),
    (&["ALTER", "SEQUENCE"], RelationKind::Sequence),
];

/// `(name [= value], …)` of `SET (…)`.
fn storage_options(parser: &mut Parser) -> Result<Vec<Expr>, ParserError> {
    parser.expect_token(&Token::LParen)?;
    let options = parser.parse_comma_separated(Parser::parse_expr)?;
    parser.expect_token(&Token::RParen)?;
    Ok(options)
}

/// `(name, …)` of `RESET (…)`.
fn storage_option_names(parser: &mut Parser) -> Result<Vec<ObjectName>, ParserError> {
    parser.expect_token(&Token::LParen)?;
    let names = parser.parse_comma_separated(|p| p.parse_object_name(false))?;
    parser.expect_token(&Token::RParen)?;
    Ok(names)
}

/// `ALTER {INDEX | VIEW | MATERIALIZED VIEW | SEQUENCE} [IF EXISTS] name {SET (…) | RESET (…)
/// | RENAME TO new}` (an index's `RENAME` and a sequence's options are left to the other
/// readers).
fn alter_relation(
    parser: &mut Parser,
    words: &[&str],
    kind: RelationKind,
) -> Result<RetortStatement, ParserError> {
    expect_words(parser, words)?;
    let if_exists = eat_words(parser, &["IF", "EXISTS"]);
    let name = parser.parse_object_name(false)?;
    let action = if kind != RelationKind::Sequence && eat_words(parser, &["SET"]) {
        RelationAction::SetOptions(storage_options(parser)?)
    } else if kind != RelationKind::Sequence && eat_words(parser, &["RESET"]) {
        RelationAction::ResetOptions(storage_option_names(parser)?)
    } else if kind != RelationKind::Index && eat_words(parser, &["RENAME", "TO"]) {
        RelationAction::RenameTo(parser.parse_identifier()?)
    } else {
        return parser.expected("SET (…), RESET (…) or RENAME TO", parser.peek_token());
    };
    Ok(RetortStatement::AlterRelation(Box::new(AlterRelation {
        kind,
        if_exists,
        name,
        action,
    })))
}

/// `ALTER TYPE name {ADD | DROP | ALTER} ATTRIBUTE …`.
fn alter_composite_type(parser: &mut Parser) -> Result<RetortStatement, ParserError> {
    expect_words(parser, &["ALTER", "TYPE"])?;
    let name = parser.parse_object_name(false)?;
    let collation = |p: &mut Parser| -> Result<Option<ObjectName>, ParserError> {
        if eat_words(p, &["COLLATE"]) {
            Ok(Some(p.parse_object_name(false)?))
        } else {
            Ok(None)
        }
    };
    let action = if eat_words(parser, &["ADD", "ATTRIBUTE"]) {
        let attribute = parser.parse_identifier()?;
        let data_type = parser.parse_data_type()?;
        AttributeAction::Add {
            name: attribute,
            data_type,
            collation: collation(parser)?,
        }
    } else if eat_words(parser, &["DROP", "ATTRIBUTE"]) {
        let if_exists = eat_words(parser, &["IF", "EXISTS"]);
        AttributeAction::Drop {
            if_exists,
            name: parser.parse_identifier()?,
        }
    } else {
        expect_words(parser, &["ALTER", "ATTRIBUTE"])?;
        let attribute = parser.parse_identifier()?;
        eat_words(parser, &["SET", "DATA"]);
        expect_words(parser, &["TYPE"])?;
        let data_type = parser.parse_data_type()?;
        AttributeAction::AlterType {
            name: attribute,
            data_type,
            collation: collation(parser)?,
        }
    };
    if !eat_words(parser, &["CASCADE"]) {
        eat_words(parser, &["RESTRICT"]);
    }
    Ok(RetortStatement::AlterCompositeType {
        name,
        action: Box::new(action),
    })
}

/// `ALTER EXTENSION name {UPDATE [TO version] | SET SCHEMA schema}`.
fn alter_extension(parser: &mut Parser) -> Result<RetortStatement, ParserError> {
    expect_words(parser, &["ALTER", "EXTENSION"])?;
    let name = parser.parse_identifier()?;
    let action = if eat_words(parser, &["UPDATE"]) {
        if eat_words(parser, &["TO"]) {
            ExtensionAction::Update(Some(match parser.peek_token().token {
                Token::Word(_) => parser.parse_identifier()?.value,
                _ => string_literal(parser)?,
            }))
        } else {
            ExtensionAction::Update(None)
        }
    } else {
        expect_words(parser, &["SET", "SCHEMA"])?;
        ExtensionAction::SetSchema(parser.parse_identifier()?)
    };
    Ok(RetortStatement::AlterExtension { name, action })
}

/// `REFRESH MATERIALIZED VIEW [CONCURRENTLY] name [WITH [NO] DATA]`.
fn refresh_materialized_view(parser: &mut Parser) -> Result<RetortStatement, ParserError> {
    expect_words(parser, &["REFRESH", "MATERIALIZED", "VIEW"])?;
    let concurrently = eat_words(parser, &["CONCURRENTLY"]);
    let name = parser.parse_object_name(false)?;
    let with_data = !eat_words(parser, &["WITH", "NO", "DATA"]);
    if with_data {
        eat_words(parser, &["WITH", "DATA"]);
    }
    Ok(RetortStatement::RefreshMaterializedView {
        concurrently,
        name,
        with_data,
    })
}

/// `ALTER TRIGGER name ON table RENAME TO new`.
fn rename_trigger(parser: &mut Parser) -> Result<RetortStatement, ParserError> {
    expect_words(parser, &["ALTER", "TRIGGER"])?;
    let name = parser.parse_identifier()?;
    expect_words(parser, &["ON"])?;
    let table = parser.parse_object_name(false)?;
    expect_words(parser, &["RENAME", "TO"])?;
    let to = parser.parse_identifier()?;
    Ok(RetortStatement::RenameTrigger { name, table, to })
}

fn create_sequence(parser: &mut Parser) -> Result<Statement, ParserError> {
    parser.next_token(); // CREATE
    let temporary = eat_words(parser, &["TEMP"]) || eat_words(parser, &["TEMPORARY"]);
    eat_words(parser, &["UNLOGGED"]);
    expect_words(parser, &["SEQUENCE"])?;
    let if_not_exists = eat_words(parser, &["IF", "NOT", "EXISTS"]);
    let name = parser.parse_object_name(false)?;
    let mut c = SequenceClauses::default();
    sequence_options(parser, &mut c)?;
    if c.restart.is_some() || c.sequence_name.is_some() {
        return parser.expected("a sequence option", parser.peek_token());
    }
    Ok(Statement::CreateSequence {
        temporary,
        if_not_exists,
        name,
        data_type: c.data_type,
        sequence_options: c.options,
        owned_by: c.owned_by.map(|o| match o {
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
    let unlogged = if eat_words(parser, &["SET", "LOGGED"]) {
        Some(false)
    } else if eat_words(parser, &["SET", "UNLOGGED"]) {
        Some(true)
    } else {
        None
    };
    let mut c = SequenceClauses::default();
    if unlogged.is_none() {
        sequence_options(parser, &mut c)?;
    }
    let nothing = c.data_type.is_none()
        && c.options.is_empty()
        && c.owned_by.is_none()
        && c.restart.is_none()
        && unlogged.is_none();
    if nothing || c.sequence_name.is_some() {
        return parser.expected("a sequence option", parser.peek_token());
    }
    Ok(RetortStatement::AlterSequence(Box::new(AlterSequence {
        if_exists,
        name,
        data_type: c.data_type,
        options: c.options,
        restart: c.restart,
        owned_by: c.owned_by,
        unlogged,
    })))
}

/// Everything a sequence definition can say, in any order.
#[derive(Default)]
struct SequenceClauses {
    data_type: Option<DataType>,
    options: Vec<SequenceOptions>,
    owned_by: Option<OwnedBy>,
    restart: Option<Option<Expr>>,
    /// `SEQUENCE NAME n` (identity columns only).
    sequence_name: Option<ObjectName>,
}

/// Whether an identity column option (`SET GENERATED …`, `SET` a sequence option,
/// `RESTART`) comes next.
fn identity_option_next(parser: &Parser) -> bool {
    peek_words(parser, &["RESTART"])
        || peek_words(parser, &["SET", "GENERATED"])
        || [
            "INCREMENT",
            "MINVALUE",
            "MAXVALUE",
            "NO",
            "START",
            "CACHE",
            "CYCLE",
        ]
        .iter()
        .any(|w| peek_words(parser, &["SET", w]))
}

/// Exactly one sequence option.
fn sequence_option(parser: &mut Parser, c: &mut SequenceClauses) -> Result<(), ParserError> {
    let mut one = SequenceClauses::default();
    let at = parser.index();
    sequence_options_until(parser, &mut one, true)?;
    if parser.index() == at {
        return parser.expected("a sequence option", parser.peek_token());
    }
    c.options.append(&mut one.options);
    if one.restart.is_some() {
        c.restart = one.restart;
    }
    Ok(())
}

/// Sequence options in any order, as PostgreSQL accepts them.
fn sequence_options(parser: &mut Parser, c: &mut SequenceClauses) -> Result<(), ParserError> {
    sequence_options_until(parser, c, false)
}

/// Sequence options; only the first when `once`.
fn sequence_options_until(
    parser: &mut Parser,
    c: &mut SequenceClauses,
    once: bool,
) -> Result<(), ParserError> {
    let mut first = true;
    loop {
        if once && !first {
            return Ok(());
        }
        first = false;
        if eat_words(parser, &["AS"]) {
            c.data_type = Some(parser.parse_data_type()?);
        } else if eat_words(parser, &["SEQUENCE", "NAME"]) {
            c.sequence_name = Some(parser.parse_object_name(false)?);
        } else if eat_words(parser, &["INCREMENT"]) {
            let by = eat_words(parser, &["BY"]);
            c.options
                .push(SequenceOptions::IncrementBy(parser.parse_number()?, by));
        } else if eat_words(parser, &["MINVALUE"]) {
            c.options
                .push(SequenceOptions::MinValue(Some(parser.parse_number()?)));
        } else if eat_words(parser, &["NO", "MINVALUE"]) {
            c.options.push(SequenceOptions::MinValue(None));
        } else if eat_words(parser, &["MAXVALUE"]) {
            c.options
                .push(SequenceOptions::MaxValue(Some(parser.parse_number()?)));
        } else if eat_words(parser, &["NO", "MAXVALUE"]) {
            c.options.push(SequenceOptions::MaxValue(None));
        } else if eat_words(parser, &["START"]) {
            let with = eat_words(parser, &["WITH"]);
            c.options
                .push(SequenceOptions::StartWith(parser.parse_number()?, with));
        } else if eat_words(parser, &["RESTART"]) {
            let with = eat_words(parser, &["WITH"]);
            c.restart = Some(if with || number_next(parser) {
                Some(parser.parse_number()?)
            } else {
                None
            });
        } else if eat_words(parser, &["CACHE"]) {
            c.options
                .push(SequenceOptions::Cache(parser.parse_number()?));
        } else if eat_words(parser, &["CYCLE"]) {
            // sqlparser's flag means `NO CYCLE`.
            c.options.push(SequenceOptions::Cycle(false));
        } else if eat_words(parser, &["NO", "CYCLE"]) {
            c.options.push(SequenceOptions::Cycle(true));
        } else if eat_words(parser, &["OWNED", "BY"]) {
            c.owned_by = Some(if eat_words(parser, &["NONE"]) {
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

/// `ALTER TABLE`, read when stock sqlparser rejects it.
pub(super) fn alter_table(parser: &mut Parser) -> Result<RetortStatement, ParserError> {
    expect_words(parser, &["ALTER", "TABLE"])?;
    let if_exists = eat_words(parser, &["IF", "EXISTS"]);
    let only = eat_words(parser, &["ONLY"]);
    let name = parser.parse_object_name(false)?;
    let mut actions = Vec::new();
    loop {
        actions.push(alter_table_action(parser)?);
        if !parser.consume_token(&Token::Comma) {
            break;
        }
    }
    Ok(RetortStatement::AlterTable(Box::new(AlterTable {
        if_exists,
        only,
        name,
        actions,
        identity_sequence_names: Vec::new(),
    })))
}

fn alter_table_action(parser: &mut Parser) -> Result<AlterTableAction, ParserError> {
    if eat_words(parser, &["CLUSTER", "ON"]) {
        return Ok(AlterTableAction::ClusterOn {
            index: parser.parse_identifier()?,
        });
    }
    if eat_words(parser, &["ATTACH", "PARTITION"]) {
        let partition = parser.parse_object_name(false)?;
        let bound = partition_bound(parser)?;
        return Ok(AlterTableAction::AttachPartition { partition, bound });
    }
    if eat_words(parser, &["DETACH", "PARTITION"]) {
        let partition = parser.parse_object_name(false)?;
        if !eat_words(parser, &["CONCURRENTLY"]) {
            eat_words(parser, &["FINALIZE"]);
        }
        return Ok(AlterTableAction::DetachPartition { partition });
    }
    if eat_words(parser, &["INHERIT"]) {
        return Ok(AlterTableAction::Inherit {
            parent: parser.parse_object_name(false)?,
            no: false,
        });
    }
    if eat_words(parser, &["NO", "INHERIT"]) {
        return Ok(AlterTableAction::Inherit {
            parent: parser.parse_object_name(false)?,
            no: true,
        });
    }
    if eat_words(parser, &["SET", "WITHOUT", "CLUSTER"]) {
        return Ok(AlterTableAction::SetWithoutCluster);
    }
    if eat_words(parser, &["RESET"]) {
        return Ok(AlterTableAction::ResetOptions(storage_option_names(
            parser,
        )?));
    }
    if eat_words(parser, &["ALTER", "CONSTRAINT"]) {
        let name = parser.parse_identifier()?;
        let mut deferrable = None;
        let mut initially_deferred = None;
        loop {
            if deferrable.is_none() && eat_words(parser, &["DEFERRABLE"]) {
                deferrable = Some(true);
            } else if deferrable.is_none() && eat_words(parser, &["NOT", "DEFERRABLE"]) {
                deferrable = Some(false);
            } else if initially_deferred.is_none() && eat_words(parser, &["INITIALLY", "DEFERRED"])
            {
                initially_deferred = Some(true);
            } else if initially_deferred.is_none() && eat_words(parser, &["INITIALLY", "IMMEDIATE"])
            {
                initially_deferred = Some(false);
            } else {
                break;
            }
        }
        if deferrable.is_none() && initially_deferred.is_none() {
            return parser.expected(
                "DEFERRABLE, NOT DEFERRABLE or INITIALLY",
                parser.peek_token(),
            );
        }
        return Ok(AlterTableAction::AlterConstraint {
            name,
            deferrable,
            initially_deferred,
        });
    }
    let column_action = parser.maybe_parse(|p| {
        expect_words(p, &["ALTER"])?;
        eat_words(p, &["COLUMN"]);
        let column = p.parse_identifier()?;
        if eat_words(p, &["DROP", "IDENTITY"]) {
            let if_exists = eat_words(p, &["IF", "EXISTS"]);
            return Ok(AlterTableAction::DropIdentity { column, if_exists });
        }
        if eat_words(p, &["DROP", "EXPRESSION"]) {
            let if_exists = eat_words(p, &["IF", "EXISTS"]);
            return Ok(AlterTableAction::DropExpression { column, if_exists });
        }
        if peek_words(p, &["TYPE"]) || peek_words(p, &["SET", "DATA", "TYPE"]) {
            eat_words(p, &["SET", "DATA"]);
            expect_words(p, &["TYPE"])?;
            let data_type = p.parse_data_type()?;
            let collation = if eat_words(p, &["COLLATE"]) {
                Some(p.parse_object_name(false)?)
            } else {
                None
            };
            let using = if eat_words(p, &["USING"]) {
                Some(Box::new(p.parse_expr()?))
            } else {
                None
            };
            return Ok(AlterTableAction::AlterColumnType {
                column,
                data_type,
                collation,
                using,
            });
        }
        if identity_option_next(p) {
            let mut always = None;
            let mut clauses = SequenceClauses::default();
            while identity_option_next(p) {
                if eat_words(p, &["SET", "GENERATED", "ALWAYS"]) {
                    always = Some(true);
                } else if eat_words(p, &["SET", "GENERATED", "BY", "DEFAULT"]) {
                    always = Some(false);
                } else if peek_words(p, &["RESTART"]) {
                    sequence_option(p, &mut clauses)?;
                } else {
                    expect_words(p, &["SET"])?;
                    sequence_option(p, &mut clauses)?;
                }
            }
            return Ok(AlterTableAction::AlterIdentity {
                column,
                always,
                options: clauses.options,
                restart: clauses.restart.map(|r| r.map(Box::new)),
            });
        }
        if eat_words(p, &["SET", "STATISTICS"]) {
            Ok(AlterTableAction::SetStatistics {
                column,
                value: signed_integer(p)?,
            })
        } else if eat_words(p, &["SET", "STORAGE"]) {
            Ok(AlterTableAction::SetStorage {
                column,
                storage: p.parse_identifier()?,
            })
        } else if eat_words(p, &["SET", "COMPRESSION"]) {
            Ok(AlterTableAction::SetCompression {
                column,
                method: p.parse_identifier()?,
            })
        } else if eat_words(p, &["ADD", "GENERATED"]) {
            let always = if eat_words(p, &["ALWAYS"]) {
                true
            } else {
                expect_words(p, &["BY", "DEFAULT"])?;
                false
            };
            expect_words(p, &["AS", "IDENTITY"])?;
            let mut clauses = SequenceClauses::default();
            if p.consume_token(&Token::LParen) {
                sequence_options(p, &mut clauses)?;
                p.expect_token(&Token::RParen)?;
            }
            Ok(AlterTableAction::AddIdentity {
                column,
                always,
                sequence_name: clauses.sequence_name,
                options: clauses.options,
            })
        } else {
            p.expected("a column action", p.peek_token())
        }
    })?;
    match column_action {
        Some(action) => Ok(action),
        None => Ok(AlterTableAction::Sql(Box::new(
            parser.parse_alter_table_operation()?,
        ))),
    }
}

fn partition_bound(parser: &mut Parser) -> Result<PartitionBound, ParserError> {
    if eat_words(parser, &["DEFAULT"]) {
        return Ok(PartitionBound::Default);
    }
    expect_words(parser, &["FOR", "VALUES"])?;
    let list = |p: &mut Parser| -> Result<Vec<Expr>, ParserError> {
        p.expect_token(&Token::LParen)?;
        let values = p.parse_comma_separated(Parser::parse_expr)?;
        p.expect_token(&Token::RParen)?;
        Ok(values)
    };
    if eat_words(parser, &["IN"]) {
        Ok(PartitionBound::In(list(parser)?))
    } else if eat_words(parser, &["FROM"]) {
        let from = list(parser)?;
        expect_words(parser, &["TO"])?;
        Ok(PartitionBound::Range {
            from,
            to: list(parser)?,
        })
    } else {
        expect_words(parser, &["WITH"])?;
        parser.expect_token(&Token::LParen)?;
        expect_words(parser, &["MODULUS"])?;
        let modulus = parser.parse_number()?;
        parser.expect_token(&Token::Comma)?;
        expect_words(parser, &["REMAINDER"])?;
        let remainder = parser.parse_number()?;
        parser.expect_token(&Token::RParen)?;
        Ok(PartitionBound::Hash {
            modulus: Box::new(modulus),
            remainder: Box::new(remainder),
        })
    }
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

/// An integer with an optional sign.
fn signed_integer(parser: &mut Parser) -> Result<i64, ParserError> {
    let negative = parser.consume_token(&Token::Minus);
    let token = parser.next_token();
    match &token.token {
        Token::Number(n, _) => match n.parse::<i64>() {
            Ok(v) if negative => Ok(-v),
            Ok(v) => Ok(v),
            Err(_) => parser.expected("an integer", token),
        },
        _ => parser.expected("an integer", token),
    }
}

fn create_domain(parser: &mut Parser) -> Result<RetortStatement, ParserError> {
    expect_words(parser, &["CREATE", "DOMAIN"])?;
    let name = parser.parse_object_name(false)?;
    eat_words(parser, &["AS"]);
    let data_type = parser.parse_data_type()?;
    let mut collation = None;
    let mut default = None;
    let mut constraints = Vec::new();
    loop {
        if eat_words(parser, &["COLLATE"]) {
            collation = Some(parser.parse_object_name(false)?);
        } else if eat_words(parser, &["DEFAULT"]) {
            // PostgreSQL's `b_expr`: no `IS`, `NOT NULL` or boolean operators, so that a
            // following `NOT NULL` is a constraint.
            let is = super::RetortDialect.prec_value(Precedence::Is);
            default = Some(parser.parse_subexpr(is)?);
        } else if let Some(constraint) = domain_constraint(parser)? {
            constraints.push(constraint);
        } else {
            break;
        }
    }
    Ok(RetortStatement::CreateDomain(Box::new(CreateDomain {
        name,
        data_type,
        collation,
        default,
        constraints,
    })))
}

fn domain_constraint(parser: &mut Parser) -> Result<Option<DomainConstraint>, ParserError> {
    let name = if eat_words(parser, &["CONSTRAINT"]) {
        Some(parser.parse_identifier()?)
    } else {
        None
    };
    let kind = if eat_words(parser, &["NOT", "NULL"]) {
        DomainConstraintKind::NotNull
    } else if eat_words(parser, &["NULL"]) {
        DomainConstraintKind::Null
    } else if eat_words(parser, &["CHECK"]) {
        parser.expect_token(&Token::LParen)?;
        let expr = parser.parse_expr()?;
        parser.expect_token(&Token::RParen)?;
        DomainConstraintKind::Check(Box::new(expr))
    } else if name.is_some() {
        return parser.expected("NOT NULL, NULL or CHECK", parser.peek_token());
    } else {
        return Ok(None);
    };
    let not_valid = eat_words(parser, &["NOT", "VALID"]);
    Ok(Some(DomainConstraint {
        name,
        kind,
        not_valid,
    }))
}

fn alter_domain(parser: &mut Parser) -> Result<RetortStatement, ParserError> {
    expect_words(parser, &["ALTER", "DOMAIN"])?;
    let name = parser.parse_object_name(false)?;
    let action = if eat_words(parser, &["SET", "DEFAULT"]) {
        AlterDomainAction::SetDefault(parser.parse_expr()?)
    } else if eat_words(parser, &["DROP", "DEFAULT"]) {
        AlterDomainAction::DropDefault
    } else if eat_words(parser, &["SET", "NOT", "NULL"]) {
        AlterDomainAction::SetNotNull
    } else if eat_words(parser, &["DROP", "NOT", "NULL"]) {
        AlterDomainAction::DropNotNull
    } else if eat_words(parser, &["ADD"]) {
        match domain_constraint(parser)? {
            Some(constraint) => AlterDomainAction::AddConstraint(constraint),
            None => return parser.expected("a domain constraint", parser.peek_token()),
        }
    } else if eat_words(parser, &["DROP", "CONSTRAINT"]) {
        let if_exists = eat_words(parser, &["IF", "EXISTS"]);
        let name = parser.parse_identifier()?;
        let cascade = eat_words(parser, &["CASCADE"]);
        if !cascade {
            eat_words(parser, &["RESTRICT"]);
        }
        AlterDomainAction::DropConstraint {
            if_exists,
            name,
            cascade,
        }
    } else if eat_words(parser, &["VALIDATE", "CONSTRAINT"]) {
        AlterDomainAction::ValidateConstraint(parser.parse_identifier()?)
    } else if eat_words(parser, &["RENAME", "TO"]) {
        AlterDomainAction::RenameTo(parser.parse_identifier()?)
    } else if eat_words(parser, &["RENAME", "CONSTRAINT"]) {
        let from = parser.parse_identifier()?;
        expect_words(parser, &["TO"])?;
        AlterDomainAction::RenameConstraint {
            from,
            to: parser.parse_identifier()?,
        }
    } else {
        return parser.expected("an ALTER DOMAIN action", parser.peek_token());
    };
    Ok(RetortStatement::AlterDomain {
        name,
        action: Box::new(action),
    })
}

fn alter_index_attach(parser: &mut Parser) -> Result<RetortStatement, ParserError> {
    expect_words(parser, &["ALTER", "INDEX"])?;
    eat_words(parser, &["IF", "EXISTS"]);
    let index = parser.parse_object_name(false)?;
    expect_words(parser, &["ATTACH", "PARTITION"])?;
    let partition = parser.parse_object_name(false)?;
    Ok(RetortStatement::AlterIndexAttachPartition { index, partition })
}

fn alter_view_column_default(parser: &mut Parser) -> Result<RetortStatement, ParserError> {
    expect_words(parser, &["ALTER", "VIEW"])?;
    eat_words(parser, &["IF", "EXISTS"]);
    let view = parser.parse_object_name(false)?;
    expect_words(parser, &["ALTER"])?;
    eat_words(parser, &["COLUMN"]);
    let column = parser.parse_identifier()?;
    let default = if eat_words(parser, &["SET", "DEFAULT"]) {
        Some(Box::new(parser.parse_expr()?))
    } else {
        expect_words(parser, &["DROP", "DEFAULT"])?;
        None
    };
    Ok(RetortStatement::AlterViewColumnDefault {
        view,
        column,
        default,
    })
}
