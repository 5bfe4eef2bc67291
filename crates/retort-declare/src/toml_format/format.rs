//! The TOML file format as serde structs: what a user writes, key for key.
//!
//! These structs are separate from the catalog model on purpose: the file format is meant to be
//! written and reviewed by people (defaults omitted, references short), while the model is the
//! exact, canonical form. `read` and `write` convert between the two.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// A name (raw identifier) with the place it was written, for error messages.
pub type Name = Spanned<String>;

/// One TOML schema file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "retort TOML schema file")]
pub struct SchemaDoc {
    #[serde(default, rename = "schema", skip_serializing_if = "Vec::is_empty")]
    pub schemas: Vec<SchemaDef>,
    #[serde(default, rename = "extension", skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<ExtensionDef>,
    #[serde(default, rename = "collation", skip_serializing_if = "Vec::is_empty")]
    pub collations: Vec<CollationDef>,
    #[serde(default, rename = "enum", skip_serializing_if = "Vec::is_empty")]
    pub enums: Vec<EnumDef>,
    #[serde(default, rename = "domain", skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<DomainDef>,
    #[serde(default, rename = "composite", skip_serializing_if = "Vec::is_empty")]
    pub composites: Vec<CompositeDef>,
    #[serde(default, rename = "sequence", skip_serializing_if = "Vec::is_empty")]
    pub sequences: Vec<SequenceDef>,
    #[serde(default, rename = "table", skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<TableDef>,
    #[serde(default, rename = "index", skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<IndexDef>,
    #[serde(default, rename = "view", skip_serializing_if = "Vec::is_empty")]
    pub views: Vec<ViewDef>,
    #[serde(
        default,
        rename = "materialized_view",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub materialized_views: Vec<ViewDef>,
    #[serde(default, rename = "function", skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<FunctionDef>,
    #[serde(default, rename = "procedure", skip_serializing_if = "Vec::is_empty")]
    pub procedures: Vec<FunctionDef>,
    #[serde(default, rename = "trigger", skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<TriggerDef>,
}

/// A reference to a schema-qualified object: a plain string is a name in schema `public`
/// (never split at dots); any other schema is written `{ schema = "s", name = "n" }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(
    untagged,
    expecting = "expected a name (a string, in schema `public`) or `{ schema = \"...\", name = \"...\" }`"
)]
pub enum ObjectName {
    Public(String),
    Qualified(QualifiedDef),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QualifiedDef {
    pub schema: String,
    pub name: String,
}

/// A spanned reference, for error messages that point at it.
pub type Ref = Spanned<ObjectName>;

/// The user-defined type a type's text refers to, when it differs from what the text implies
/// (`false`: none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(
    untagged,
    expecting = "expected `false` or a type name (a string, or `{ schema = \"...\", name = \"...\" }`)"
)]
pub enum UserTypeDef {
    None(bool),
    Type(ObjectName),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SchemaDef {
    #[schemars(with = "String")]
    pub name: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionDef {
    #[schemars(with = "String")]
    pub name: Name,
    /// The schema the extension's objects go in (default `public`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Extensions this one needs (created first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    Libc,
    Icu,
    Builtin,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollationDef {
    #[schemars(with = "String")]
    pub name: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub provider: Provider,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lc_collate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lc_ctype: Option<String>,
    /// Default `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deterministic: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumDef {
    #[schemars(with = "String")]
    pub name: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The object's previous name (same schema), so that a diff renames it instead of
    /// dropping and creating it. Read only, never written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub renamed_from: Option<Name>,
    /// Labels renamed: `{ new_label = "old_label" }`; each key must be one of `values`.
    /// Read only, never written.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub renamed_values: BTreeMap<String, String>,
    pub values: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DomainDef {
    #[schemars(with = "String")]
    pub name: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The object's previous name (same schema), so that a diff renames it instead of
    /// dropping and creating it. Read only, never written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub renamed_from: Option<Name>,
    #[serde(rename = "type")]
    pub data_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<UserTypeDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<ObjectName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_null: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub check: Vec<DomainCheckDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DomainCheckDef {
    #[schemars(with = "String")]
    pub name: Name,
    pub expression: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_valid: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompositeDef {
    #[schemars(with = "String")]
    pub name: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The object's previous name (same schema), so that a diff renames it instead of
    /// dropping and creating it. Read only, never written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub renamed_from: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default)]
    pub attribute: Vec<AttributeDef>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttributeDef {
    #[schemars(with = "String")]
    pub name: Name,
    #[serde(rename = "type")]
    pub data_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<UserTypeDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<ObjectName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SequenceDef {
    #[schemars(with = "String")]
    pub name: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The object's previous name (same schema), so that a diff renames it instead of
    /// dropping and creating it. Read only, never written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub renamed_from: Option<Name>,
    /// `smallint`, `integer` or `bigint`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub increment: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<i64>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub cycle: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unlogged: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_by: Option<OwnedByDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnedByDef {
    #[schemars(with = "ObjectName")]
    pub table: Ref,
    pub column: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableDef {
    #[schemars(with = "String")]
    pub name: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The object's previous name (same schema), so that a diff renames it instead of
    /// dropping and creating it. Read only, never written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub renamed_from: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unlogged: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<ObjectName>")]
    pub inherits: Vec<Ref>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_by: Option<PartitionByDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_of: Option<PartitionOfDef>,
    /// Storage parameters, `name=value`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub row_security: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub force_row_security: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_identity: Option<ReplicaIdentityDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clustered_on: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub column: Vec<ColumnDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<PrimaryKeyDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unique: Vec<UniqueDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub check: Vec<CheckDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_key: Vec<ForeignKeyDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<ExcludeDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policy: Vec<PolicyDef>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    Range,
    List,
    Hash,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PartitionByDef {
    pub strategy: Strategy,
    /// The key inside `PARTITION BY RANGE (...)`.
    pub key: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PartitionOfDef {
    #[schemars(with = "ObjectName")]
    pub parent: Ref,
    /// `FOR VALUES ...` or `DEFAULT`.
    pub bound: String,
}

/// `"default"`, `"nothing"`, `"full"`, or `{ index = "name" }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(
    untagged,
    expecting = "expected `\"default\"`, `\"nothing\"`, `\"full\"` or `{ index = \"...\" }`"
)]
pub enum ReplicaIdentityDef {
    Simple(ReplicaIdentityKind),
    Index(ReplicaIndexDef),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReplicaIdentityKind {
    Default,
    Nothing,
    Full,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplicaIndexDef {
    pub index: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdentityKindDef {
    Always,
    ByDefault,
}

/// `"always"`, `"by_default"`, or a table with the kind and sequence options.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(
    untagged,
    expecting = "expected `\"always\"`, `\"by_default\"` or `{ kind = \"always\" | \"by_default\", ... }` with sequence options"
)]
pub enum IdentityDef {
    Kind(IdentityKindDef),
    Full(IdentityFullDef),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityFullDef {
    pub kind: IdentityKindDef,
    /// The sequence's name; default `<table>_<column>_seq` in the table's schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<ObjectName>,
    /// `smallint`, `integer` or `bigint`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub increment: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<i64>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub cycle: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GeneratedKindDef {
    Stored,
    Virtual,
}

/// An expression (stored), or `{ expression = "...", kind = "virtual" }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(
    untagged,
    expecting = "expected an SQL expression, or `{ expression = \"...\", kind = \"stored\" | \"virtual\" }`"
)]
pub enum GeneratedDef {
    Stored(String),
    Full(GeneratedFullDef),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GeneratedFullDef {
    pub expression: String,
    pub kind: GeneratedKindDef,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StorageDef {
    Plain,
    External,
    Extended,
    Main,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnDef {
    #[schemars(with = "String")]
    pub name: Name,
    /// The object's previous name (same table), so that a diff renames it instead of
    /// dropping and creating it. Read only, never written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub renamed_from: Option<Name>,
    #[serde(rename = "type")]
    pub data_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<UserTypeDef>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_null: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<IdentityDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<GeneratedDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<ObjectName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<StorageDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistics: Option<i32>,
    /// The column comes from a parent table and is not declared by this one.
    #[serde(default, skip_serializing_if = "is_false")]
    pub inherited: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrimaryKeyDef {
    /// Default `<table>_pkey`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub name: Option<Name>,
    /// The object's previous name (same table), so that a diff renames it instead of
    /// dropping and creating it. Read only, never written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub renamed_from: Option<Name>,
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub index_options: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deferrable: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub initially_deferred: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_valid: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Comment on the index that implements the constraint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UniqueDef {
    #[schemars(with = "String")]
    pub name: Name,
    /// The object's previous name (same table), so that a diff renames it instead of
    /// dropping and creating it. Read only, never written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub renamed_from: Option<Name>,
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub nulls_not_distinct: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub index_options: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deferrable: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub initially_deferred: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_valid: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Comment on the index that implements the constraint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckDef {
    #[schemars(with = "String")]
    pub name: Name,
    /// The object's previous name (same table), so that a diff renames it instead of
    /// dropping and creating it. Read only, never written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub renamed_from: Option<Name>,
    pub expression: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub no_inherit: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deferrable: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub initially_deferred: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_valid: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Comment on the index that implements the constraint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_comment: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchDef {
    Simple,
    Full,
    Partial,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionDef {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForeignKeyDef {
    #[schemars(with = "String")]
    pub name: Name,
    /// The object's previous name (same table), so that a diff renames it instead of
    /// dropping and creating it. Read only, never written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub renamed_from: Option<Name>,
    pub columns: Vec<String>,
    #[schemars(with = "ObjectName")]
    pub references: Ref,
    pub referenced_columns: Vec<String>,
    #[serde(default, rename = "match", skip_serializing_if = "Option::is_none")]
    pub match_type: Option<MatchDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_update: Option<ActionDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_delete: Option<ActionDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub on_delete_columns: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deferrable: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub initially_deferred: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_valid: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Comment on the index that implements the constraint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_comment: Option<String>,
}

/// One key of an index or exclusion constraint: `column` or `expression`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyDef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<ObjectName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opclass: Option<ObjectName>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub descending: bool,
    /// Default: the value of `descending`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nulls_first: Option<bool>,
    /// Exclusion constraints only: the operator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// Exclusion constraints only: the operator's schema when not `pg_catalog`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_schema: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExcludeDef {
    #[schemars(with = "String")]
    pub name: Name,
    /// The object's previous name (same table), so that a diff renames it instead of
    /// dropping and creating it. Read only, never written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub renamed_from: Option<Name>,
    /// Default `gist`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    pub elements: Vec<KeyDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    #[serde(default, rename = "where", skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub index_options: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deferrable: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub initially_deferred: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_valid: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Comment on the index that implements the constraint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_comment: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommandDef {
    All,
    Select,
    Insert,
    Update,
    Delete,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyDef {
    #[schemars(with = "String")]
    pub name: Name,
    /// Default `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<CommandDef>,
    /// Default `true` (`AS PERMISSIVE`); `false` is `AS RESTRICTIVE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissive: Option<bool>,
    /// Default `["public"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub using: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_check: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndexDef {
    #[schemars(with = "String")]
    pub name: Name,
    /// The object's previous name (same schema), so that a diff renames it instead of
    /// dropping and creating it. Read only, never written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub renamed_from: Option<Name>,
    /// Default (and the only value allowed): the table's schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    #[schemars(with = "ObjectName")]
    pub table: Ref,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// Default `btree`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    pub keys: Vec<KeyDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    #[serde(default, rename = "where", skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub nulls_not_distinct: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub only: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A dependency recorded for creation order (written by `retort inspect`; rarely by hand).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum DependencyDef {
    Relation(ObjectName),
    Type(ObjectName),
    Function(FunctionRefDef),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FunctionRefDef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub name: String,
    pub arguments: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewDef {
    #[schemars(with = "String")]
    pub name: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The object's previous name (same schema), so that a diff renames it instead of
    /// dropping and creating it. Read only, never written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub renamed_from: Option<Name>,
    pub query: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Materialized views: `false` for `WITH NO DATA`; default `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub populated: Option<bool>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub column_comments: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<DependencyDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VolatilityDef {
    Immutable,
    Stable,
    Volatile,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParallelDef {
    Safe,
    Restricted,
    Unsafe,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FunctionDef {
    #[schemars(with = "String")]
    pub name: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The full argument list (modes, names, defaults), SQL text; default empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub arguments: String,
    /// The identity argument types, when they differ from `arguments`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_arguments: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<String>,
    pub language: String,
    /// A window function (`WINDOW`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub window: bool,
    /// Default `volatile`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volatility: Option<VolatilityDef>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub strict: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub security_definer: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub leakproof: bool,
    /// Default `unsafe`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallel: Option<ParallelDef>,
    /// Default `"100"` (`"1"` for `c` and `internal`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<String>,
    /// Default `"0"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<String>,
    /// `SET` options, `name=value`, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<DependencyDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// `true` when `body` is an SQL-standard body (`BEGIN ATOMIC ... END`, `RETURN ...`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub sql_body: bool,
    pub body: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimingDef {
    Before,
    After,
    InsteadOf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventDef {
    Insert,
    Update,
    Delete,
    Truncate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ForEachDef {
    Row,
    Statement,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EnabledDef {
    Origin,
    Disabled,
    Replica,
    Always,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConstraintTriggerDef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referenced_table: Option<ObjectName>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deferrable: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub initially_deferred: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TriggerDef {
    #[schemars(with = "String")]
    pub name: Name,
    #[schemars(with = "ObjectName")]
    pub table: Ref,
    pub timing: TimingDef,
    pub events: Vec<EventDef>,
    /// Columns of `UPDATE OF ...`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub update_of: Vec<String>,
    /// Default `statement`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_each: Option<ForEachDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    pub function: ObjectName,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arguments: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_table: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_table: Option<String>,
    /// Present for `CREATE CONSTRAINT TRIGGER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint: Option<ConstraintTriggerDef>,
    /// Default `origin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<EnabledDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}
