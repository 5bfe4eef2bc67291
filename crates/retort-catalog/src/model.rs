//! The catalog: every object kind retort manages, with every attribute that changes behaviour.
//!
//! Text that is SQL (types, expressions, bodies) is stored in PostgreSQL's canonical spelling,
//! the one `format_type`, `pg_get_expr` and friends print with an empty `search_path`, so that
//! two schemas PostgreSQL would store identically compare equal.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::ident::{FunctionId, Ident, QualifiedName};
use crate::keyed::{Keyed, list};

/// A type as PostgreSQL spells it (`format_type` with an empty `search_path`):
/// `integer`, `character varying(255)[]`, `public."Mood"`, `timestamp(3) with time zone`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Debug)]
pub struct TypeRef {
    /// Canonical SQL text of the type, including modifiers and array brackets.
    pub sql: String,
    /// The user-defined type this refers to (the element type for arrays), if it is not a
    /// built-in `pg_catalog` type. Used for dependencies; never rendered on its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<QualifiedName>,
}

impl TypeRef {
    pub fn builtin(sql: impl Into<String>) -> Self {
        TypeRef {
            sql: sql.into(),
            user_type: None,
        }
    }
}

/// An SQL expression in PostgreSQL's canonical form (as `pg_get_expr` prints it).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Debug)]
#[serde(transparent)]
pub struct SqlExpr(pub String);

impl SqlExpr {
    pub fn new(text: impl Into<String>) -> Self {
        SqlExpr(text.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A whole database schema (in the broad sense): everything retort manages.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize, Debug)]
pub struct Catalog {
    #[serde(with = "list", default)]
    pub schemas: BTreeMap<Ident, Schema>,
    #[serde(with = "list", default)]
    pub extensions: BTreeMap<Ident, Extension>,
    #[serde(with = "list", default)]
    pub collations: BTreeMap<QualifiedName, Collation>,
    #[serde(with = "list", default)]
    pub enums: BTreeMap<QualifiedName, EnumType>,
    #[serde(with = "list", default)]
    pub domains: BTreeMap<QualifiedName, Domain>,
    #[serde(with = "list", default)]
    pub composite_types: BTreeMap<QualifiedName, CompositeType>,
    #[serde(with = "list", default)]
    pub sequences: BTreeMap<QualifiedName, Sequence>,
    #[serde(with = "list", default)]
    pub tables: BTreeMap<QualifiedName, Table>,
    #[serde(with = "list", default)]
    pub indexes: BTreeMap<QualifiedName, Index>,
    #[serde(with = "list", default)]
    pub views: BTreeMap<QualifiedName, View>,
    #[serde(with = "list", default)]
    pub functions: BTreeMap<FunctionId, Function>,
    #[serde(with = "list", default)]
    pub triggers: BTreeMap<TriggerId, Trigger>,
}

impl Catalog {
    /// Every relation-like name (tables, views, materialized views, sequences, composite types,
    /// enums and domains share one namespace per schema in `pg_class` / `pg_type`).
    pub fn table(&self, name: &QualifiedName) -> Option<&Table> {
        self.tables.get(name)
    }

    /// Total number of top-level objects, for summaries.
    pub fn object_count(&self) -> usize {
        self.schemas.len()
            + self.extensions.len()
            + self.collations.len()
            + self.enums.len()
            + self.domains.len()
            + self.composite_types.len()
            + self.sequences.len()
            + self.tables.len()
            + self.indexes.len()
            + self.views.len()
            + self.functions.len()
            + self.triggers.len()
    }

    /// Inserts an object under its own key, replacing any previous one with the same key.
    pub fn insert<T: Keyed + CatalogMember>(&mut self, object: T) -> Option<T> {
        T::map_mut(self).insert(object.key(), object)
    }
}

/// Access to the map of a catalog that holds objects of this kind.
pub trait CatalogMember: Keyed + Sized {
    fn map_mut(catalog: &mut Catalog) -> &mut BTreeMap<Self::Key, Self>;
}

macro_rules! member {
    ($ty:ty, $field:ident) => {
        impl CatalogMember for $ty {
            fn map_mut(catalog: &mut Catalog) -> &mut BTreeMap<Self::Key, Self> {
                &mut catalog.$field
            }
        }
    };
}

member!(Schema, schemas);
member!(Extension, extensions);
member!(Collation, collations);
member!(EnumType, enums);
member!(Domain, domains);
member!(CompositeType, composite_types);
member!(Sequence, sequences);
member!(Table, tables);
member!(Index, indexes);
member!(View, views);
member!(Function, functions);
member!(Trigger, triggers);

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct Schema {
    pub name: Ident,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct Extension {
    pub name: Ident,
    /// The schema the extension's objects live in.
    pub schema: Ident,
    pub version: String,
    /// The extensions this one requires (and was created after), sorted; for ordering.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<Ident>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Debug)]
#[serde(rename_all = "snake_case")]
pub enum CollationProvider {
    Libc,
    Icu,
    /// PostgreSQL 17 and later.
    Builtin,
}

/// A user-defined collation (`CREATE COLLATION`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct Collation {
    pub name: QualifiedName,
    pub provider: CollationProvider,
    /// The ICU or builtin locale; `None` for libc.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// `LC_COLLATE` and `LC_CTYPE` of a libc collation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lc_collate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lc_ctype: Option<String>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub deterministic: bool,
    /// ICU tailoring rules (PostgreSQL 16 and later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct EnumType {
    pub name: QualifiedName,
    /// Labels in their sort order.
    pub labels: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct Domain {
    pub name: QualifiedName,
    pub base_type: TypeRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<QualifiedName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<SqlExpr>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_null: bool,
    /// Named CHECK constraints, by name.
    #[serde(with = "list", default)]
    pub checks: BTreeMap<Ident, DomainCheck>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct DomainCheck {
    pub name: Ident,
    /// The boolean expression inside `CHECK (...)`, using `VALUE`.
    pub expression: SqlExpr,
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_valid: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct CompositeType {
    pub name: QualifiedName,
    pub attributes: Vec<CompositeAttribute>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct CompositeAttribute {
    pub name: Ident,
    pub data_type: TypeRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<QualifiedName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// Options shared by sequences and identity columns.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct SequenceOptions {
    /// `smallint`, `integer` or `bigint`.
    pub data_type: String,
    pub start: i64,
    pub increment: i64,
    pub min_value: i64,
    pub max_value: i64,
    pub cache: i64,
    pub cycle: bool,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct Sequence {
    pub name: QualifiedName,
    #[serde(flatten)]
    pub options: SequenceOptions,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unlogged: bool,
    /// `OWNED BY table.column`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_by: Option<ColumnRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Debug)]
pub struct ColumnRef {
    pub table: QualifiedName,
    pub column: Ident,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct Table {
    pub name: QualifiedName,
    pub columns: Vec<Column>,
    /// Constraints by name (primary key, unique, check, foreign key, exclusion).
    #[serde(with = "list", default)]
    pub constraints: BTreeMap<Ident, Constraint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_by: Option<PartitionKey>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_of: Option<PartitionOf>,
    /// Parents of a table created with `INHERITS (...)`, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inherits: Vec<QualifiedName>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unlogged: bool,
    /// Storage parameters (`fillfactor=70`), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub row_security: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub force_row_security: bool,
    /// What logical replication logs to identify changed rows (`REPLICA IDENTITY`).
    #[serde(default, skip_serializing_if = "is_default")]
    pub replica_identity: ReplicaIdentity,
    /// The index `CLUSTER` uses for this table (`ALTER TABLE ... CLUSTER ON`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clustered_on: Option<Ident>,
    #[serde(with = "list", default)]
    pub policies: BTreeMap<Ident, Policy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name.as_str() == name)
    }

    pub fn primary_key(&self) -> Option<&Constraint> {
        self.constraints
            .values()
            .find(|c| matches!(c.kind, ConstraintKind::PrimaryKey { .. }))
    }
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct Column {
    pub name: Ident,
    pub data_type: TypeRef,
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_null: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<SqlExpr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<Generated>,
    /// Set only when it differs from the type's default collation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<QualifiedName>,
    /// `SET STORAGE`, when it differs from the type's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<ColumnStorage>,
    /// `SET COMPRESSION` method (`pglz`, `lz4`), when one is set (PostgreSQL 14 and later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<String>,
    /// `SET STATISTICS` target, when one is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistics: Option<i32>,
    /// The column comes from a parent table (inheritance or partitioning) and is not declared
    /// by this table itself.
    #[serde(default, skip_serializing_if = "is_false")]
    pub inherited: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Debug)]
#[serde(rename_all = "snake_case")]
pub enum ColumnStorage {
    Plain,
    External,
    Extended,
    Main,
}

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Debug, Default)]
#[serde(rename_all = "snake_case")]
pub enum ReplicaIdentity {
    /// The primary key, if any.
    #[default]
    Default,
    Nothing,
    Full,
    /// A unique index of the table, by name.
    Index(Ident),
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Debug)]
#[serde(rename_all = "snake_case")]
pub enum IdentityKind {
    Always,
    ByDefault,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct Identity {
    pub kind: IdentityKind,
    /// The sequence PostgreSQL created for the column.
    pub sequence_name: QualifiedName,
    #[serde(flatten)]
    pub options: SequenceOptions,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Debug)]
#[serde(rename_all = "snake_case")]
pub enum GeneratedKind {
    Stored,
    /// PostgreSQL 18 and later.
    Virtual,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct Generated {
    pub kind: GeneratedKind,
    pub expression: SqlExpr,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Debug)]
#[serde(rename_all = "snake_case")]
pub enum PartitionStrategy {
    Range,
    List,
    Hash,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct PartitionKey {
    pub strategy: PartitionStrategy,
    /// The key inside `PARTITION BY RANGE (...)`, as `pg_get_partkeydef` prints it.
    pub key: String,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct PartitionOf {
    pub parent: QualifiedName,
    /// `FOR VALUES ...` or `DEFAULT`, as PostgreSQL prints the bound.
    pub bound: String,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct Constraint {
    pub name: Ident,
    #[serde(flatten)]
    pub kind: ConstraintKind,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deferrable: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub initially_deferred: bool,
    /// Added `NOT VALID` and not validated since.
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_valid: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The comment on the index that implements a primary key, unique or exclusion
    /// constraint (`COMMENT ON INDEX`; the index has the constraint's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_comment: Option<String>,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ConstraintKind {
    PrimaryKey {
        columns: Vec<Ident>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        include: Vec<Ident>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        index_options: Vec<String>,
    },
    Unique {
        columns: Vec<Ident>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        include: Vec<Ident>,
        #[serde(default, skip_serializing_if = "is_false")]
        nulls_not_distinct: bool,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        index_options: Vec<String>,
    },
    Check {
        expression: SqlExpr,
        #[serde(default, skip_serializing_if = "is_false")]
        no_inherit: bool,
    },
    ForeignKey {
        columns: Vec<Ident>,
        references: QualifiedName,
        referenced_columns: Vec<Ident>,
        #[serde(default, skip_serializing_if = "is_default")]
        match_type: MatchType,
        #[serde(default, skip_serializing_if = "is_default")]
        on_update: ReferentialAction,
        #[serde(default, skip_serializing_if = "is_default")]
        on_delete: ReferentialAction,
        /// `ON DELETE SET NULL (cols)` / `SET DEFAULT (cols)` (PostgreSQL 15 and later).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        on_delete_columns: Vec<Ident>,
    },
    Exclusion {
        /// Index method, `gist` usually.
        method: String,
        elements: Vec<ExclusionElement>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        include: Vec<Ident>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        predicate: Option<SqlExpr>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        index_options: Vec<String>,
    },
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct ExclusionElement {
    #[serde(flatten)]
    pub key: IndexElement,
    /// The operator symbol (`&&`, `=`).
    pub operator: String,
    /// The operator's schema when it is not `pg_catalog` (rendered `OPERATOR(schema.op)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_schema: Option<Ident>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Debug, Default)]
#[serde(rename_all = "snake_case")]
pub enum MatchType {
    #[default]
    Simple,
    Full,
    Partial,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Debug, Default)]
#[serde(rename_all = "snake_case")]
pub enum ReferentialAction {
    #[default]
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct Index {
    pub name: QualifiedName,
    /// The table or materialized view the index is on (always in the index's schema).
    pub table: QualifiedName,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// Access method: `btree`, `hash`, `gin`, `gist`, `brin`, `spgist`, ...
    pub method: String,
    pub keys: Vec<IndexElement>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<Ident>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<SqlExpr>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub nulls_not_distinct: bool,
    /// Storage parameters, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// `CREATE INDEX ... ON ONLY` a partitioned table: not recursed to the partitions.
    #[serde(default, skip_serializing_if = "is_false")]
    pub only: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
#[serde(rename_all = "snake_case")]
pub enum IndexKey {
    Column(Ident),
    /// An expression, as `pg_get_indexdef` prints it (without the extra parentheses).
    Expression(SqlExpr),
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct IndexElement {
    pub key: IndexKey,
    /// Set when not the default collation of the key's type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<QualifiedName>,
    /// Set when not the default operator class of the key's type for the method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opclass: Option<QualifiedName>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub descending: bool,
    /// NULLS FIRST; the default is `descending`.
    pub nulls_first: bool,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct View {
    pub name: QualifiedName,
    #[serde(default, skip_serializing_if = "is_false")]
    pub materialized: bool,
    /// The query, as `pg_get_viewdef` prints it.
    pub definition: String,
    /// View options (`security_barrier=true`, `check_option=local`) or materialized view
    /// storage parameters, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Materialized views only: false when created `WITH NO DATA` and never refreshed.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub populated: bool,
    /// Tables, views and functions the definition uses; for ordering, not compared by meaning.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub depends_on: BTreeSet<ObjectRef>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub column_comments: BTreeMap<Ident, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A reference from one object to another, for dependency ordering.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Debug)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ObjectRef {
    Relation { name: QualifiedName },
    Function { id: FunctionId },
    Type { name: QualifiedName },
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Debug)]
#[serde(rename_all = "snake_case")]
pub enum FunctionKind {
    Function,
    Procedure,
    Window,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Debug)]
#[serde(rename_all = "snake_case")]
pub enum Volatility {
    Immutable,
    Stable,
    Volatile,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Debug)]
#[serde(rename_all = "snake_case")]
pub enum ParallelSafety {
    Safe,
    Restricted,
    Unsafe,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct Function {
    pub id: FunctionId,
    pub kind: FunctionKind,
    /// Full argument list with modes, names and defaults (`pg_get_function_arguments`).
    pub arguments: String,
    /// `pg_get_function_result`; `None` for procedures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<String>,
    pub language: Ident,
    /// The body: the source string, or for SQL-standard bodies (`BEGIN ATOMIC`, `RETURN`)
    /// the text `pg_get_function_sqlbody` prints.
    pub body: String,
    /// True when `body` is an SQL-standard body rather than a string literal.
    #[serde(default, skip_serializing_if = "is_false")]
    pub sql_body: bool,
    pub volatility: Volatility,
    #[serde(default, skip_serializing_if = "is_false")]
    pub strict: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub security_definer: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub leakproof: bool,
    pub parallel: ParallelSafety,
    /// Estimated execution cost, as PostgreSQL prints it.
    pub cost: String,
    /// Estimated rows for set-returning functions, as PostgreSQL prints it; "0" otherwise.
    pub rows: String,
    /// `SET name = value` options, `name=value`, in declared order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub config: Vec<String>,
    /// Tables, views and functions an SQL-standard body uses (for ordering).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub depends_on: BTreeSet<ObjectRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A trigger is named per table.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Debug)]
pub struct TriggerId {
    pub table: QualifiedName,
    pub name: Ident,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Debug)]
#[serde(rename_all = "snake_case")]
pub enum TriggerTiming {
    Before,
    After,
    InsteadOf,
}

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Debug)]
#[serde(rename_all = "snake_case")]
pub enum TriggerEvent {
    Insert,
    /// `UPDATE`, or `UPDATE OF col, ...` when columns are listed.
    Update(Vec<Ident>),
    Delete,
    Truncate,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Debug, Default)]
#[serde(rename_all = "snake_case")]
pub enum TriggerEnabled {
    /// Fires in origin and local session replication roles (the default).
    #[default]
    Origin,
    Disabled,
    Replica,
    Always,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct Trigger {
    pub id: TriggerId,
    pub timing: TriggerTiming,
    /// Events in the order INSERT, UPDATE, DELETE, TRUNCATE.
    pub events: Vec<TriggerEvent>,
    pub for_each_row: bool,
    /// The condition inside `WHEN (...)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<SqlExpr>,
    pub function: QualifiedName,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arguments: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_table: Option<Ident>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_table: Option<Ident>,
    /// Set for `CREATE CONSTRAINT TRIGGER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint: Option<ConstraintTrigger>,
    #[serde(default, skip_serializing_if = "is_default")]
    pub enabled: TriggerEnabled,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct ConstraintTrigger {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referenced_table: Option<QualifiedName>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deferrable: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub initially_deferred: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Debug)]
#[serde(rename_all = "snake_case")]
pub enum PolicyCommand {
    All,
    Select,
    Insert,
    Update,
    Delete,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Debug)]
pub struct Policy {
    pub name: Ident,
    pub command: PolicyCommand,
    /// `AS PERMISSIVE` (the default) or `AS RESTRICTIVE`.
    pub permissive: bool,
    /// Role names, sorted; `public` stands for PUBLIC.
    pub roles: Vec<Ident>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub using: Option<SqlExpr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_check: Option<SqlExpr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_true(b: &bool) -> bool {
    *b
}

fn yes() -> bool {
    true
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}
