//! Statements other than tables and functions: schemas, extensions, types, domains,
//! sequences, views, triggers, policies, comments and drops.

use retort_catalog::{
    ColumnRef, CompositeAttribute, CompositeType, ConstraintTrigger, Domain, DomainCheck, EnumType,
    Extension, Ident, Policy, PolicyCommand, QualifiedName, Schema, Sequence, Trigger,
    TriggerEnabled, TriggerEvent, TriggerId, TriggerTiming, View,
};
use sqlparser::ast::{
    CreatePolicyCommand, CreatePolicyType, ObjectType, Owner, Statement, TriggerObject,
    TriggerObjectKind, TriggerPeriod, TriggerReferencingType, UserDefinedTypeRepresentation,
};

use super::names::Taken;
use super::rename_object::RelationRename;
use super::scope::{ExprScope, resolved};
use super::table::{
    altered_sequence_options, option_key, option_keys, option_text, sequence_options, set_options,
};
use super::{Loader, Problem, Result, display, fold, fold_ident, name_parts};
use crate::canon::expr::Role;
use crate::sql::{
    AlterDomainAction, AlterRelation, AlterSequence, AttributeAction, CheckOption, CommentKind,
    CommentOn, CreateDomain, DomainConstraintKind, ExtensionAction, OwnedBy, ParsedStatement,
    RelationAction, RelationKind, RetortStatement, ViewExtras,
};

/// Extensions shipped with PostgreSQL 15: default version, comment (from the control file),
/// and the extensions each requires.
const EXTENSIONS: &[(&str, &str, &str, &[&str])] = &[
    (
        "adminpack",
        "2.1",
        "administrative functions for PostgreSQL",
        &[],
    ),
    (
        "amcheck",
        "1.3",
        "functions for verifying relation integrity",
        &[],
    ),
    (
        "autoinc",
        "1.0",
        "functions for autoincrementing fields",
        &[],
    ),
    (
        "bloom",
        "1.0",
        "bloom access method - signature file based index",
        &[],
    ),
    (
        "btree_gin",
        "1.3",
        "support for indexing common datatypes in GIN",
        &[],
    ),
    (
        "btree_gist",
        "1.7",
        "support for indexing common datatypes in GiST",
        &[],
    ),
    (
        "citext",
        "1.6",
        "data type for case-insensitive character strings",
        &[],
    ),
    ("cube", "1.5", "data type for multidimensional cubes", &[]),
    (
        "dblink",
        "1.2",
        "connect to other PostgreSQL databases from within a database",
        &[],
    ),
    (
        "dict_int",
        "1.0",
        "text search dictionary template for integers",
        &[],
    ),
    (
        "dict_xsyn",
        "1.0",
        "text search dictionary template for extended synonym processing",
        &[],
    ),
    (
        "earthdistance",
        "1.1",
        "calculate great-circle distances on the surface of the Earth",
        &["cube"],
    ),
    (
        "file_fdw",
        "1.0",
        "foreign-data wrapper for flat file access",
        &[],
    ),
    (
        "fuzzystrmatch",
        "1.1",
        "determine similarities and distance between strings",
        &[],
    ),
    (
        "hstore",
        "1.8",
        "data type for storing sets of (key, value) pairs",
        &[],
    ),
    (
        "insert_username",
        "1.0",
        "functions for tracking who changed a table",
        &[],
    ),
    (
        "intagg",
        "1.1",
        "integer aggregator and enumerator (obsolete)",
        &[],
    ),
    (
        "intarray",
        "1.5",
        "functions, operators, and index support for 1-D arrays of integers",
        &[],
    ),
    (
        "isn",
        "1.2",
        "data types for international product numbering standards",
        &[],
    ),
    ("lo", "1.1", "Large Object maintenance", &[]),
    (
        "ltree",
        "1.2",
        "data type for hierarchical tree-like structures",
        &[],
    ),
    (
        "moddatetime",
        "1.0",
        "functions for tracking last modification time",
        &[],
    ),
    (
        "old_snapshot",
        "1.0",
        "utilities in support of old_snapshot_threshold",
        &[],
    ),
    (
        "pageinspect",
        "1.11",
        "inspect the contents of database pages at a low level",
        &[],
    ),
    (
        "pg_buffercache",
        "1.3",
        "examine the shared buffer cache",
        &[],
    ),
    (
        "pg_freespacemap",
        "1.2",
        "examine the free space map (FSM)",
        &[],
    ),
    ("pg_prewarm", "1.2", "prewarm relation data", &[]),
    (
        "pg_stat_statements",
        "1.10",
        "track planning and execution statistics of all SQL statements executed",
        &[],
    ),
    (
        "pg_surgery",
        "1.0",
        "extension to perform surgery on a damaged relation",
        &[],
    ),
    (
        "pg_trgm",
        "1.6",
        "text similarity measurement and index searching based on trigrams",
        &[],
    ),
    (
        "pg_visibility",
        "1.2",
        "examine the visibility map (VM) and page-level visibility info",
        &[],
    ),
    (
        "pg_walinspect",
        "1.0",
        "functions to inspect contents of PostgreSQL Write-Ahead Log",
        &[],
    ),
    ("pgcrypto", "1.3", "cryptographic functions", &[]),
    (
        "pgrowlocks",
        "1.2",
        "show row-level locking information",
        &[],
    ),
    ("pgstattuple", "1.5", "show tuple-level statistics", &[]),
    (
        "postgres_fdw",
        "1.1",
        "foreign-data wrapper for remote PostgreSQL servers",
        &[],
    ),
    (
        "refint",
        "1.0",
        "functions for implementing referential integrity (obsolete)",
        &[],
    ),
    (
        "seg",
        "1.4",
        "data type for representing line segments or floating-point intervals",
        &[],
    ),
    ("sslinfo", "1.2", "information about SSL certificates", &[]),
    (
        "tablefunc",
        "1.0",
        "functions that manipulate whole tables, including crosstab",
        &[],
    ),
    ("tcn", "1.0", "Triggered change notifications", &[]),
    (
        "tsm_system_rows",
        "1.0",
        "TABLESAMPLE method which accepts number of rows as a limit",
        &[],
    ),
    (
        "tsm_system_time",
        "1.0",
        "TABLESAMPLE method which accepts time in milliseconds as a limit",
        &[],
    ),
    (
        "unaccent",
        "1.1",
        "text search dictionary that removes accents",
        &[],
    ),
    (
        "uuid-ossp",
        "1.1",
        "generate universally unique identifiers (UUIDs)",
        &[],
    ),
    ("xml2", "1.1", "XPath querying and XSLT", &[]),
];

/// Extensions whose objects always live in one schema.
const FIXED_SCHEMA: &[(&str, &str)] = &[("adminpack", "pg_catalog")];

impl Loader {
    pub(super) fn apply_sql(&mut self, s: &Statement, statement: &ParsedStatement) -> Result<()> {
        match s {
            Statement::CreateSchema {
                schema_name,
                if_not_exists,
                ..
            } => {
                let name = match schema_name {
                    sqlparser::ast::SchemaName::Simple(n)
                    | sqlparser::ast::SchemaName::NamedAuthorization(n, _) => {
                        name_parts(n)?.last().cloned().unwrap_or_default()
                    }
                    sqlparser::ast::SchemaName::UnnamedAuthorization(role) => fold(role),
                };
                let key = Ident::new(name.as_str());
                if self.catalog.schemas.contains_key(&key) {
                    if *if_not_exists {
                        return Ok(());
                    }
                    return Err(Problem::new(format!("schema \"{name}\" already exists")));
                }
                self.catalog.insert(Schema {
                    name: key,
                    comment: None,
                });
                Ok(())
            }
            Statement::CreateExtension(ext) => {
                let name = fold(&ext.name);
                let key = Ident::new(name.as_str());
                if self.catalog.extensions.contains_key(&key) {
                    if ext.if_not_exists {
                        return Ok(());
                    }
                    return Err(Problem::new(format!("extension \"{name}\" already exists")));
                }
                if name == "plpgsql" {
                    return Ok(());
                }
                let known = EXTENSIONS.iter().find(|(n, ..)| *n == name);
                let schema = match (&ext.schema, FIXED_SCHEMA.iter().find(|(n, _)| *n == name)) {
                    (_, Some((_, fixed))) => (*fixed).to_owned(),
                    (Some(s), None) => {
                        let s = fold(s);
                        if !self.catalog.schemas.contains_key(&Ident::new(s.as_str())) {
                            return Err(Problem::new(format!("schema \"{s}\" does not exist")));
                        }
                        s
                    }
                    (None, None) => self.creation_schema()?,
                };
                let (version, comment, requires) = match (known, &ext.version) {
                    (_, Some(v)) => (
                        v.value.clone(),
                        known.map(|k| k.2.to_owned()),
                        known.map(|k| k.3.to_vec()).unwrap_or_default(),
                    ),
                    (Some((_, version, comment, requires)), None) => (
                        (*version).to_owned(),
                        Some((*comment).to_owned()),
                        requires.to_vec(),
                    ),
                    (None, None) => {
                        self.approximate(format!(
                            "extension \"{name}\" is not one PostgreSQL ships: its version and \
                             comment are not known offline"
                        ));
                        (String::new(), None, Vec::new())
                    }
                };
                for r in requires.iter().copied() {
                    if !self.catalog.extensions.contains_key(&Ident::new(r)) {
                        if !ext.cascade {
                            return Err(Problem::new(format!(
                                "required extension \"{r}\" is not installed"
                            )));
                        }
                        let (_, version, comment, _) = EXTENSIONS
                            .iter()
                            .find(|e| e.0 == r)
                            .copied()
                            .unwrap_or((r, "", "", &[]));
                        self.catalog.insert(Extension {
                            name: Ident::new(r),
                            schema: Ident::new(schema.as_str()),
                            version: version.to_owned(),
                            requires: Vec::new(),
                            comment: Some(comment.to_owned()),
                        });
                    }
                }
                self.catalog.insert(Extension {
                    name: key,
                    schema: Ident::new(schema.as_str()),
                    version,
                    requires: requires.iter().map(|r| Ident::new(*r)).collect(),
                    comment,
                });
                Ok(())
            }
            Statement::CreateType {
                name,
                representation,
            } => {
                let q = self.new_name(name)?;
                self.check_type_name_free(&q)?;
                match representation {
                    Some(UserDefinedTypeRepresentation::Enum { labels }) => {
                        let labels = labels.iter().map(|l| l.value.clone()).collect();
                        self.catalog.insert(EnumType {
                            name: q,
                            labels,
                            comment: None,
                        });
                        Ok(())
                    }
                    Some(UserDefinedTypeRepresentation::Composite { attributes }) => {
                        let mut out = Vec::new();
                        for a in attributes {
                            out.push(CompositeAttribute {
                                name: fold_ident(&a.name),
                                data_type: self.resolve_type(&a.data_type)?,
                                collation: a
                                    .collation
                                    .as_ref()
                                    .map(|c| self.resolve_collation(c))
                                    .transpose()?,
                                comment: None,
                            });
                        }
                        self.catalog.insert(CompositeType {
                            name: q,
                            attributes: out,
                            comment: None,
                        });
                        Ok(())
                    }
                    _ => Err(Problem::new(
                        "range and base types are not managed: use a development database",
                    )),
                }
            }
            Statement::AlterType(alter) => self.alter_type(alter),
            Statement::AlterTable(alter) => {
                self.alter_table_sql(&alter.name, alter.if_exists, alter.only, &alter.operations)
            }
            Statement::CreatePolicy(policy) => {
                let table = self.resolve_table(&policy.table_name)?;
                let columns = self.catalog.tables[&table].columns.clone();
                let scope = ExprScope::of_columns(self, &table, &columns);
                let using = policy
                    .using
                    .as_ref()
                    .map(|e| scope.canonicalize(e, &Role::Predicate))
                    .transpose()?;
                let with_check = policy
                    .with_check
                    .as_ref()
                    .map(|e| scope.canonicalize(e, &Role::Predicate))
                    .transpose()?;
                let mut roles: Vec<Ident> = match &policy.to {
                    None => vec![Ident::new("public")],
                    Some(owners) => owners
                        .iter()
                        .map(|o| match o {
                            Owner::Ident(i) => fold_ident(i),
                            other => Ident::new(other.to_string().to_ascii_lowercase()),
                        })
                        .collect(),
                };
                roles.sort();
                roles.dedup();
                let name = fold_ident(&policy.name);
                let p = Policy {
                    name: name.clone(),
                    command: match policy.command {
                        None | Some(CreatePolicyCommand::All) => PolicyCommand::All,
                        Some(CreatePolicyCommand::Select) => PolicyCommand::Select,
                        Some(CreatePolicyCommand::Insert) => PolicyCommand::Insert,
                        Some(CreatePolicyCommand::Update) => PolicyCommand::Update,
                        Some(CreatePolicyCommand::Delete) => PolicyCommand::Delete,
                    },
                    permissive: !matches!(policy.policy_type, Some(CreatePolicyType::Restrictive)),
                    roles,
                    using: using.map(retort_catalog::SqlExpr::new),
                    with_check: with_check.map(retort_catalog::SqlExpr::new),
                    comment: None,
                };
                let t = self.table_mut(&table)?;
                if t.policies.contains_key(&name) {
                    return Err(Problem::new(format!("policy \"{name}\" already exists")));
                }
                t.policies.insert(name, p);
                Ok(())
            }
            Statement::Drop {
                object_type,
                if_exists,
                names,
                ..
            } => {
                for name in names {
                    self.drop(*object_type, name, *if_exists)?;
                }
                Ok(())
            }
            Statement::DropDomain(d) => {
                self.names_changed();
                match self.resolve(&d.name, |q| self.catalog.domains.contains_key(q))? {
                    Some(q) => {
                        self.catalog.domains.remove(&q);
                        Ok(())
                    }
                    None if d.if_exists => Ok(()),
                    None => Err(Problem::new(format!(
                        "type \"{}\" does not exist",
                        display(&d.name)
                    ))),
                }
            }
            Statement::DropTrigger(d) => {
                let Some(table) = &d.table_name else {
                    return Err(Problem::new("DROP TRIGGER needs ON table"));
                };
                let table = match self.resolve_relation(table) {
                    Ok(t) => t,
                    Err(_) if d.if_exists => return Ok(()),
                    Err(e) => return Err(e),
                };
                let name = name_parts(&d.trigger_name)?
                    .last()
                    .cloned()
                    .unwrap_or_default();
                let id = TriggerId {
                    table,
                    name: Ident::new(name),
                };
                if self.catalog.triggers.remove(&id).is_none() && !d.if_exists {
                    return Err(Problem::new(format!(
                        "trigger \"{}\" for table \"{}\" does not exist",
                        id.name, id.table.name
                    )));
                }
                Ok(())
            }
            Statement::DropPolicy(d) => {
                let table = match self.resolve_table(&d.table_name) {
                    Ok(t) => t,
                    Err(_) if d.if_exists => return Ok(()),
                    Err(e) => return Err(e),
                };
                let name = fold_ident(&d.name);
                if self.table_mut(&table)?.policies.remove(&name).is_none() && !d.if_exists {
                    return Err(Problem::new(format!(
                        "policy \"{name}\" for table \"{}\" does not exist",
                        table.name
                    )));
                }
                Ok(())
            }
            Statement::DropFunction(d) => {
                for desc in &d.func_desc {
                    let named = CommentOn {
                        kind: CommentKind::Function,
                        name: desc.name.clone(),
                        args: desc.args.clone(),
                        on: None,
                        comment: None,
                    };
                    let id = match self.function_for_comment(&named) {
                        Ok(id) => id,
                        Err(_) if d.if_exists => continue,
                        Err(e) => return Err(e),
                    };
                    let q = id.qualified_name();
                    if !matches!(d.drop_behavior, Some(sqlparser::ast::DropBehavior::Cascade))
                        && self.catalog.triggers.values().any(|t| t.function == q)
                        && self
                            .catalog
                            .functions
                            .keys()
                            .filter(|f| f.qualified_name() == q)
                            .count()
                            == 1
                    {
                        return Err(Problem::new(format!(
                            "cannot drop function {q}: triggers depend on it"
                        )));
                    }
                    self.catalog.functions.remove(&id);
                }
                Ok(())
            }
            Statement::AlterPolicy(alter) => self.alter_policy(alter),
            Statement::CreateIndex(index) => self.create_index(index, false),
            Statement::CreateView(view) => {
                self.create_view(view, &ViewExtras::default(), statement)
            }
            Statement::CreateTable(table) => self.create_table(table, &Default::default()),
            Statement::CreateFunction(f) => self.create_function(f, &Default::default(), statement),
            Statement::CreateTrigger(t) => self.create_trigger(t, &[]),
            Statement::CreateCollation(c) => self.create_collation(c),
            Statement::Query(_) if is_setval(statement) => {
                // pg_dump's `SELECT pg_catalog.setval(…)`: a sequence's position is data.
                Ok(())
            }
            Statement::AlterIndex {
                name,
                operation: sqlparser::ast::AlterIndexOperation::RenameIndex { index_name },
            } => match index_name.0.as_slice() {
                [sqlparser::ast::ObjectNamePart::Identifier(new)] => {
                    self.rename_relation(RelationRename::Index, name, false, new)
                }
                _ => Err(Problem::new(
                    "the new name of ALTER INDEX … RENAME TO takes no schema",
                )),
            },
            Statement::Insert(_) | Statement::Update { .. } | Statement::Delete(_) => {
                self.approximate("data statements change no schema: not applied offline");
                Ok(())
            }
            other => Err(Problem::new(format!(
                "`{}` is not read offline: use a development database (--dev-url)",
                first_words(&other.to_string())
            ))),
        }
    }

    pub(super) fn apply_retort(
        &mut self,
        r: &RetortStatement,
        statement: &ParsedStatement,
    ) -> Result<()> {
        match r {
            RetortStatement::CreateTable {
                statement: s,
                extras,
            } => match s.as_ref() {
                Statement::CreateTable(create) => {
                    self.identity_names = extras.identity_sequence_names.iter().cloned().collect();
                    let applied = self.create_table(create, extras);
                    self.identity_names.clear();
                    applied
                }
                _ => Err(Problem::new("unexpected CREATE TABLE form")),
            },
            RetortStatement::CreateIndex { statement: s, only } => match s.as_ref() {
                Statement::CreateIndex(create) => self.create_index(create, *only),
                _ => Err(Problem::new("unexpected CREATE INDEX form")),
            },
            RetortStatement::AlterTable(alter) => {
                self.identity_names = alter.identity_sequence_names.iter().cloned().collect();
                let applied =
                    self.alter_table(&alter.name, alter.if_exists, alter.only, &alter.actions);
                self.identity_names.clear();
                applied
            }
            RetortStatement::AlterRelation(alter) => self.alter_relation(alter),
            RetortStatement::AlterCompositeType { name, action } => {
                self.alter_composite_type(name, action)
            }
            RetortStatement::AlterExtension { name, action } => {
                let n = fold_ident(name);
                let schema = match action {
                    ExtensionAction::SetSchema(s) => {
                        let s = fold_ident(s);
                        if !self.catalog.schemas.contains_key(&s) {
                            return Err(Problem::new(format!("schema \"{s}\" does not exist")));
                        }
                        Some(s)
                    }
                    ExtensionAction::Update(_) => None,
                };
                let e = self
                    .catalog
                    .extensions
                    .get_mut(&n)
                    .ok_or_else(|| Problem::new(format!("extension \"{n}\" does not exist")))?;
                match action {
                    ExtensionAction::Update(Some(version)) => e.version = version.clone(),
                    ExtensionAction::Update(None) => {
                        return Err(Problem::new(
                            "ALTER EXTENSION … UPDATE without a version is not read offline (the \
                             default version is not known): use a development database",
                        ));
                    }
                    ExtensionAction::SetSchema(_) => {
                        if let Some(s) = schema {
                            e.schema = s;
                        }
                    }
                }
                Ok(())
            }
            RetortStatement::RefreshMaterializedView {
                name, with_data, ..
            } => {
                let q = self
                    .resolve(name, |q| {
                        self.catalog.views.get(q).is_some_and(|v| v.materialized)
                    })?
                    .ok_or_else(|| {
                        Problem::new(format!(
                            "materialized view \"{}\" does not exist",
                            display(name)
                        ))
                    })?;
                if let Some(v) = self.catalog.views.get_mut(&q) {
                    v.populated = *with_data;
                }
                Ok(())
            }
            RetortStatement::RenameTrigger { name, table, to } => {
                let table = self.resolve_relation(table)?;
                let id = TriggerId {
                    table: table.clone(),
                    name: fold_ident(name),
                };
                let new = TriggerId {
                    table,
                    name: fold_ident(to),
                };
                if self.catalog.triggers.contains_key(&new) {
                    return Err(Problem::new(format!(
                        "trigger \"{}\" for relation \"{}\" already exists",
                        new.name, new.table.name
                    )));
                }
                let mut trigger = self.catalog.triggers.remove(&id).ok_or_else(|| {
                    Problem::new(format!(
                        "trigger \"{}\" for table \"{}\" does not exist",
                        id.name, id.table.name
                    ))
                })?;
                trigger.id = new;
                self.catalog.insert(trigger);
                Ok(())
            }
            RetortStatement::CreateSequence {
                statement: s,
                unlogged,
            } => self.create_sequence(s, *unlogged),
            RetortStatement::AlterSequence(alter) => self.alter_sequence(alter),
            RetortStatement::CommentOn(comment) => self.comment_on(comment),
            RetortStatement::CreateLanguage { .. } => Ok(()),
            RetortStatement::CreateFunction {
                statement: s,
                extras,
            } => match s.as_ref() {
                Statement::CreateFunction(f) => self.create_function(f, extras, statement),
                _ => Err(Problem::new("unexpected CREATE FUNCTION form")),
            },
            RetortStatement::CreateTrigger { statement: s, args } => match s.as_ref() {
                Statement::CreateTrigger(t) => self.create_trigger(t, args),
                _ => Err(Problem::new("unexpected CREATE TRIGGER form")),
            },
            RetortStatement::CreateView {
                statement: s,
                extras,
            } => match s.as_ref() {
                Statement::CreateView(v) => self.create_view(v, extras, statement),
                _ => Err(Problem::new("unexpected CREATE VIEW form")),
            },
            RetortStatement::CreateDomain(domain) => self.create_domain(domain),
            RetortStatement::AlterDomain { name, action } => self.alter_domain(name, action),
            RetortStatement::AlterIndexAttachPartition { .. } => Ok(()),
            RetortStatement::AlterViewColumnDefault { .. } => {
                self.approximate("view column defaults are not managed: left out");
                Ok(())
            }
        }
    }

    /// A type name must not be taken by another type or relation (each relation has a row
    /// type of its own name).
    fn check_type_name_free(&self, q: &QualifiedName) -> Result<()> {
        let c = &self.catalog;
        if c.enums.contains_key(q)
            || c.domains.contains_key(q)
            || c.composite_types.contains_key(q)
            || c.tables.contains_key(q)
            || c.views.contains_key(q)
            || c.sequences.contains_key(q)
        {
            return Err(Problem::new(format!("type \"{q}\" already exists")));
        }
        Ok(())
    }

    fn alter_type(&mut self, alter: &sqlparser::ast::AlterType) -> Result<()> {
        use sqlparser::ast::{AlterTypeAddValuePosition as Pos, AlterTypeOperation as Op};
        let name = self
            .resolve(&alter.name, |q| {
                self.catalog.enums.contains_key(q)
                    || self.catalog.composite_types.contains_key(q)
                    || self.catalog.domains.contains_key(q)
            })?
            .ok_or_else(|| {
                Problem::new(format!("type \"{}\" does not exist", display(&alter.name)))
            })?;
        if let Op::Rename(rename) = &alter.operation {
            return self.rename_type(&name, &rename.new_name);
        }
        let e = self
            .catalog
            .enums
            .get_mut(&name)
            .ok_or_else(|| Problem::new(format!("{name} is not an enum")))?;
        match &alter.operation {
            Op::AddValue(add) => {
                let value = add.value.value.clone();
                if e.labels.contains(&value) {
                    if add.if_not_exists {
                        return Ok(());
                    }
                    return Err(Problem::new(format!(
                        "enum label \"{value}\" already exists"
                    )));
                }
                let at = match &add.position {
                    None => e.labels.len(),
                    Some(Pos::Before(other)) => e
                        .labels
                        .iter()
                        .position(|l| *l == other.value)
                        .ok_or_else(|| {
                            Problem::new(format!("\"{}\" is not a label", other.value))
                        })?,
                    Some(Pos::After(other)) => {
                        e.labels
                            .iter()
                            .position(|l| *l == other.value)
                            .ok_or_else(|| {
                                Problem::new(format!("\"{}\" is not a label", other.value))
                            })?
                            + 1
                    }
                };
                e.labels.insert(at, value);
                Ok(())
            }
            Op::RenameValue(r) => {
                let from = r.from.value.clone();
                let to = r.to.value.clone();
                match e.labels.iter_mut().find(|l| **l == from) {
                    Some(l) => {
                        *l = to;
                        Ok(())
                    }
                    None => Err(Problem::new(format!(
                        "\"{from}\" is not an existing enum label"
                    ))),
                }
            }
            // Refused above.
            Op::Rename(_) => Ok(()),
        }
    }

    fn drop(
        &mut self,
        kind: ObjectType,
        name: &sqlparser::ast::ObjectName,
        if_exists: bool,
    ) -> Result<()> {
        self.names_changed();
        let missing = |what: &str| -> Result<()> {
            if if_exists {
                Ok(())
            } else {
                Err(Problem::new(format!(
                    "{what} \"{}\" does not exist",
                    display(name)
                )))
            }
        };
        match kind {
            ObjectType::Table => {
                match self.resolve(name, |q| self.catalog.tables.contains_key(q))? {
                    Some(q) => {
                        self.catalog.tables.remove(&q);
                        self.catalog.indexes.retain(|_, i| i.table != q);
                        self.catalog.triggers.retain(|id, _| id.table != q);
                        self.catalog
                            .sequences
                            .retain(|_, s| s.owned_by.as_ref().is_none_or(|o| o.table != q));
                        Ok(())
                    }
                    None => missing("table"),
                }
            }
            ObjectType::View | ObjectType::MaterializedView => {
                match self.resolve(name, |q| self.catalog.views.contains_key(q))? {
                    Some(q) => {
                        self.catalog.views.remove(&q);
                        self.catalog.indexes.retain(|_, i| i.table != q);
                        self.catalog.triggers.retain(|id, _| id.table != q);
                        Ok(())
                    }
                    None => missing("view"),
                }
            }
            ObjectType::Index => {
                match self.resolve(name, |q| self.catalog.indexes.contains_key(q))? {
                    Some(q) => {
                        self.catalog.indexes.remove(&q);
                        Ok(())
                    }
                    None => missing("index"),
                }
            }
            ObjectType::Sequence => {
                match self.resolve(name, |q| self.catalog.sequences.contains_key(q))? {
                    Some(q) => {
                        self.catalog.sequences.remove(&q);
                        Ok(())
                    }
                    None => missing("sequence"),
                }
            }
            ObjectType::Type => match self.resolve(name, |q| {
                self.catalog.enums.contains_key(q)
                    || self.catalog.composite_types.contains_key(q)
                    || self.catalog.domains.contains_key(q)
            })? {
                Some(q) => {
                    self.catalog.enums.remove(&q);
                    self.catalog.composite_types.remove(&q);
                    self.catalog.domains.remove(&q);
                    Ok(())
                }
                None => missing("type"),
            },
            ObjectType::Schema => {
                let n = name_parts(name)?.last().cloned().unwrap_or_default();
                if self
                    .catalog
                    .schemas
                    .remove(&Ident::new(n.as_str()))
                    .is_none()
                {
                    return missing("schema");
                }
                Ok(())
            }
            other => Err(Problem::new(format!(
                "DROP {other} is not read offline: use a development database"
            ))),
        }
    }

    fn create_collation(&mut self, c: &sqlparser::ast::CreateCollation) -> Result<()> {
        use retort_catalog::{Collation, CollationProvider};
        use sqlparser::ast::CreateCollationDefinition as Def;
        let q = self.new_name(&c.name)?;
        if self.catalog.collations.contains_key(&q) {
            if c.if_not_exists {
                return Ok(());
            }
            return Err(Problem::new(format!("collation \"{q}\" already exists")));
        }
        let mut collation = Collation {
            name: q.clone(),
            provider: CollationProvider::Libc,
            locale: None,
            lc_collate: None,
            lc_ctype: None,
            deterministic: true,
            rules: None,
            comment: None,
        };
        match &c.definition {
            Def::From(existing) => {
                let from = self.resolve_collation(existing)?;
                match self.catalog.collations.get(&from) {
                    Some(user) => {
                        collation = Collation {
                            name: q,
                            comment: None,
                            ..user.clone()
                        }
                    }
                    None => {
                        let n = from.name.as_str();
                        if !matches!(n, "C" | "POSIX" | "ucs_basic") {
                            return Err(Problem::new(format!(
                                "collation \"{n}\" is the server's: copying it is read only \
                                 with a development database"
                            )));
                        }
                        let locale = if n == "ucs_basic" { "C" } else { n };
                        collation.lc_collate = Some(locale.to_owned());
                        collation.lc_ctype = Some(locale.to_owned());
                    }
                }
            }
            Def::Options(options) => {
                let mut locale = None;
                for o in options {
                    let sqlparser::ast::SqlOption::KeyValue { key, value } = o else {
                        return Err(Problem::new(format!("unexpected collation option `{o}`")));
                    };
                    let v = match value {
                        sqlparser::ast::Expr::Value(v) => match &v.value {
                            sqlparser::ast::Value::SingleQuotedString(s) => s.clone(),
                            other => other.to_string(),
                        },
                        sqlparser::ast::Expr::Identifier(i) => fold(i),
                        other => other.to_string(),
                    };
                    match fold(key).as_str() {
                        "provider" => {
                            collation.provider = match v.to_ascii_lowercase().as_str() {
                                "icu" => CollationProvider::Icu,
                                "builtin" => CollationProvider::Builtin,
                                "libc" => CollationProvider::Libc,
                                other => {
                                    return Err(Problem::new(format!(
                                        "unknown collation provider {other}"
                                    )));
                                }
                            }
                        }
                        "locale" => locale = Some(v),
                        "lc_collate" => collation.lc_collate = Some(v),
                        "lc_ctype" => collation.lc_ctype = Some(v),
                        "deterministic" => {
                            collation.deterministic = !matches!(
                                v.to_ascii_lowercase().as_str(),
                                "false" | "off" | "0" | "no"
                            )
                        }
                        "rules" => collation.rules = Some(v),
                        "version" => {}
                        other => {
                            return Err(Problem::new(format!("unknown collation option {other}")));
                        }
                    }
                }
                match collation.provider {
                    CollationProvider::Libc => {
                        if let Some(l) = locale {
                            collation.lc_collate.get_or_insert(l.clone());
                            collation.lc_ctype.get_or_insert(l);
                        }
                    }
                    _ => {
                        self.approximate(
                            "an ICU locale is kept as written; PostgreSQL 16 and later store \
                             it canonicalized",
                        );
                        collation.locale = locale;
                    }
                }
            }
        }
        self.catalog.insert(collation);
        Ok(())
    }

    fn create_sequence(&mut self, s: &Statement, unlogged: bool) -> Result<()> {
        let Statement::CreateSequence {
            if_not_exists,
            name,
            data_type,
            sequence_options: options,
            owned_by,
            ..
        } = s
        else {
            return Err(Problem::new("unexpected CREATE SEQUENCE form"));
        };
        let q = self.new_name(name)?;
        if self
            .taken(q.schema.as_str())
            .relation_taken(q.name.as_str())
        {
            if *if_not_exists {
                return Ok(());
            }
            return Err(Problem::new(format!("relation \"{q}\" already exists")));
        }
        let data_type = match data_type {
            Some(t) => self.resolve_type(t)?.sql,
            None => "bigint".to_owned(),
        };
        let options = sequence_options(&data_type, options)?;
        let owned_by = match owned_by {
            Some(target) => self.owned_by_column(target)?,
            None => None,
        };
        self.catalog.insert(Sequence {
            name: q,
            options,
            unlogged,
            owned_by,
            comment: None,
        });
        Ok(())
    }

    /// `OWNED BY table.column` (`NONE` is no owner).
    fn owned_by_column(&self, target: &sqlparser::ast::ObjectName) -> Result<Option<ColumnRef>> {
        let mut parts = name_parts(target)?;
        if parts.len() == 1 && parts[0] == "none" {
            return Ok(None);
        }
        let column = parts
            .pop()
            .ok_or_else(|| Problem::new("OWNED BY needs table.column"))?;
        if parts.is_empty() {
            return Err(Problem::new("OWNED BY needs table.column"));
        }
        let table_name = sqlparser::ast::ObjectName::from(
            parts
                .iter()
                .map(|p| sqlparser::ast::Ident::with_quote('"', p.as_str()))
                .collect::<Vec<_>>(),
        );
        let table = self.resolve_table(&table_name)?;
        Ok(Some(ColumnRef {
            table,
            column: Ident::new(column),
        }))
    }

    fn alter_sequence(&mut self, alter: &AlterSequence) -> Result<()> {
        let Some(q) = self.resolve(&alter.name, |q| self.catalog.sequences.contains_key(q))? else {
            if let Some(found) = self.identity_column_of(&alter.name)? {
                return self.alter_identity_sequence(alter, found);
            }
            if alter.if_exists {
                return Ok(());
            }
            return Err(Problem::new(format!(
                "sequence \"{}\" does not exist",
                display(&alter.name)
            )));
        };
        let owned_by = match &alter.owned_by {
            None => None,
            Some(OwnedBy::None) => Some(None),
            Some(OwnedBy::Column(c)) => Some(self.owned_by_column(c)?),
        };
        let data_type = match &alter.data_type {
            Some(t) => Some(self.resolve_type(t)?.sql),
            None => None,
        };
        let seq = self
            .catalog
            .sequences
            .get_mut(&q)
            .ok_or_else(|| Problem::new("sequence vanished"))?;
        if !alter.options.is_empty() || data_type.is_some() {
            seq.options =
                altered_sequence_options(&seq.options, data_type.as_deref(), &alter.options)?;
        }
        if let Some(owned_by) = owned_by {
            seq.owned_by = owned_by;
        }
        if let Some(unlogged) = alter.unlogged {
            seq.unlogged = unlogged;
        }
        Ok(())
    }

    /// The table and column whose identity sequence `name` is.
    fn identity_column_of(
        &self,
        name: &sqlparser::ast::ObjectName,
    ) -> Result<Option<(QualifiedName, usize)>> {
        let found = |q: &QualifiedName| {
            self.catalog.tables.values().find_map(|t| {
                t.columns
                    .iter()
                    .position(|c| c.identity.as_ref().is_some_and(|i| i.sequence_name == *q))
                    .map(|i| (t.name.clone(), i))
            })
        };
        Ok(self
            .resolve(name, |q| found(q).is_some())?
            .and_then(|q| found(&q)))
    }

    /// `ALTER SEQUENCE` of an identity column's sequence: its options and type (ownership and
    /// persistence follow the table).
    fn alter_identity_sequence(
        &mut self,
        alter: &AlterSequence,
        (table, column): (QualifiedName, usize),
    ) -> Result<()> {
        if alter.owned_by.is_some() || alter.unlogged.is_some() {
            return Err(Problem::new(
                "cannot change ownership or persistence of an identity sequence",
            ));
        }
        let data_type = match &alter.data_type {
            Some(t) => Some(self.resolve_type(t)?.sql),
            None => None,
        };
        let t = self
            .catalog
            .tables
            .get_mut(&table)
            .ok_or_else(|| Problem::new("table vanished"))?;
        if let Some(identity) = t.columns[column].identity.as_mut() {
            identity.options =
                altered_sequence_options(&identity.options, data_type.as_deref(), &alter.options)?;
        }
        Ok(())
    }

    /// `ALTER POLICY name ON table {RENAME TO new | [TO roles] [USING (…)] [WITH CHECK (…)]}`.
    fn alter_policy(&mut self, alter: &sqlparser::ast::AlterPolicy) -> Result<()> {
        use sqlparser::ast::AlterPolicyOperation as Op;
        let table = self.resolve_table(&alter.table_name)?;
        let name = fold_ident(&alter.name);
        let t = &self.catalog.tables[&table];
        let Some(mut policy) = t.policies.get(&name).cloned() else {
            return Err(Problem::new(format!(
                "policy \"{name}\" for table \"{}\" does not exist",
                table.name
            )));
        };
        match &alter.operation {
            Op::Rename { new_name } => {
                let new = fold_ident(new_name);
                if t.policies.contains_key(&new) {
                    return Err(Problem::new(format!(
                        "policy \"{new}\" for table \"{}\" already exists",
                        table.name
                    )));
                }
                let t = self.table_mut(&table)?;
                t.policies.remove(&name);
                policy.name = new.clone();
                t.policies.insert(new, policy);
            }
            Op::Apply {
                to,
                using,
                with_check,
            } => {
                let columns = t.columns.clone();
                let scope = ExprScope::of_columns(self, &table, &columns);
                if let Some(e) = using {
                    policy.using = Some(retort_catalog::SqlExpr::new(
                        scope.canonicalize(e, &Role::Predicate)?,
                    ));
                }
                if let Some(e) = with_check {
                    policy.with_check = Some(retort_catalog::SqlExpr::new(
                        scope.canonicalize(e, &Role::Predicate)?,
                    ));
                }
                if let Some(owners) = to {
                    let mut roles: Vec<Ident> = owners
                        .iter()
                        .map(|o| match o {
                            Owner::Ident(i) => fold_ident(i),
                            other => Ident::new(other.to_string().to_ascii_lowercase()),
                        })
                        .collect();
                    roles.sort();
                    roles.dedup();
                    policy.roles = roles;
                }
                self.table_mut(&table)?.policies.insert(name, policy);
            }
        }
        Ok(())
    }

    /// `ALTER {INDEX | VIEW | MATERIALIZED VIEW | SEQUENCE} … {SET (…) | RESET (…) | RENAME TO}`.
    fn alter_relation(&mut self, alter: &AlterRelation) -> Result<()> {
        let kind = match alter.kind {
            RelationKind::Index => "index",
            RelationKind::View => "view",
            RelationKind::MaterializedView => "materialized view",
            RelationKind::Sequence => "sequence",
        };
        if let RelationAction::RenameTo(new) = &alter.action {
            let kind = match alter.kind {
                RelationKind::Index => RelationRename::Index,
                RelationKind::View => RelationRename::View,
                RelationKind::MaterializedView => RelationRename::MaterializedView,
                RelationKind::Sequence => RelationRename::Sequence,
            };
            return self.rename_relation(kind, &alter.name, alter.if_exists, new);
        }
        let missing = || {
            Problem::new(format!(
                "{kind} \"{}\" does not exist",
                display(&alter.name)
            ))
        };
        let options: &mut Vec<String> = match alter.kind {
            RelationKind::Index => {
                let Some(q) =
                    self.resolve(&alter.name, |q| self.catalog.indexes.contains_key(q))?
                else {
                    return if alter.if_exists {
                        Ok(())
                    } else {
                        Err(missing())
                    };
                };
                &mut self
                    .catalog
                    .indexes
                    .get_mut(&q)
                    .ok_or_else(missing)?
                    .options
            }
            RelationKind::View | RelationKind::MaterializedView => {
                let materialized = alter.kind == RelationKind::MaterializedView;
                let Some(q) = self.resolve(&alter.name, |q| {
                    self.catalog
                        .views
                        .get(q)
                        .is_some_and(|v| v.materialized == materialized)
                })?
                else {
                    return if alter.if_exists {
                        Ok(())
                    } else {
                        Err(missing())
                    };
                };
                &mut self.catalog.views.get_mut(&q).ok_or_else(missing)?.options
            }
            RelationKind::Sequence => {
                return Err(Problem::new("sequences have no storage parameters"));
            }
        };
        match &alter.action {
            RelationAction::SetOptions(set) => *options = set_options(options, set)?,
            RelationAction::ResetOptions(names) => {
                let keys = option_keys(names)?;
                options.retain(|o| !keys.iter().any(|k| option_key(o) == k));
            }
            RelationAction::RenameTo(_) => {}
        }
        Ok(())
    }

    /// `ALTER TYPE … {ADD | DROP | ALTER} ATTRIBUTE`.
    fn alter_composite_type(
        &mut self,
        name: &sqlparser::ast::ObjectName,
        action: &AttributeAction,
    ) -> Result<()> {
        let q = self
            .resolve(name, |q| self.catalog.composite_types.contains_key(q))?
            .ok_or_else(|| {
                Problem::new(format!(
                    "composite type \"{}\" does not exist",
                    display(name)
                ))
            })?;
        let mut t = self.catalog.composite_types[&q].clone();
        let position =
            |t: &CompositeType, n: &str| t.attributes.iter().position(|a| a.name.as_str() == n);
        match action {
            AttributeAction::Add {
                name: attribute,
                data_type,
                collation,
            } => {
                let n = fold_ident(attribute);
                if position(&t, n.as_str()).is_some() {
                    return Err(Problem::new(format!(
                        "column \"{n}\" of relation \"{}\" already exists",
                        q.name
                    )));
                }
                t.attributes.push(CompositeAttribute {
                    name: n,
                    data_type: self.resolve_type(data_type)?,
                    collation: collation
                        .as_ref()
                        .map(|c| self.resolve_collation(c))
                        .transpose()?,
                    comment: None,
                });
            }
            AttributeAction::Drop {
                if_exists,
                name: attribute,
            } => {
                let n = fold(attribute);
                match position(&t, &n) {
                    Some(i) => {
                        t.attributes.remove(i);
                    }
                    None if *if_exists => {}
                    None => {
                        return Err(Problem::new(format!(
                            "column \"{n}\" of relation \"{}\" does not exist",
                            q.name
                        )));
                    }
                }
            }
            AttributeAction::AlterType {
                name: attribute,
                data_type,
                collation,
            } => {
                let n = fold(attribute);
                let i = position(&t, &n).ok_or_else(|| {
                    Problem::new(format!(
                        "column \"{n}\" of relation \"{}\" does not exist",
                        q.name
                    ))
                })?;
                t.attributes[i].data_type = self.resolve_type(data_type)?;
                t.attributes[i].collation = collation
                    .as_ref()
                    .map(|c| self.resolve_collation(c))
                    .transpose()?;
            }
        }
        self.catalog.insert(t);
        Ok(())
    }

    fn create_domain(&mut self, domain: &CreateDomain) -> Result<()> {
        self.names_changed();
        let q = self.new_name(&domain.name)?;
        self.check_type_name_free(&q)?;
        let base_type = self.resolve_type(&domain.data_type)?;
        let base = resolved(self, &base_type);
        let default = domain
            .default
            .as_ref()
            .map(|e| {
                ExprScope::empty(self).canonicalize(
                    e,
                    &Role::Default {
                        target: base.clone(),
                    },
                )
            })
            .transpose()?;
        // A domain over a domain starts with its base's default.
        let default = default.or_else(|| {
            base_type
                .user_type
                .as_ref()
                .and_then(|b| self.catalog.domains.get(b))
                .and_then(|b| b.default.as_ref().map(|d| d.as_str().to_owned()))
        });
        let collation = domain
            .collation
            .as_ref()
            .map(|c| self.resolve_collation(c))
            .transpose()?;
        let mut d = Domain {
            name: q.clone(),
            base_type,
            collation,
            default: default.map(retort_catalog::SqlExpr::new),
            not_null: false,
            checks: Default::default(),
            comment: None,
        };
        for c in &domain.constraints {
            match &c.kind {
                DomainConstraintKind::NotNull => d.not_null = true,
                DomainConstraintKind::Null => {}
                DomainConstraintKind::Check(expr) => {
                    let check = self.domain_check(&q, &d, c.name.as_ref(), expr, c.not_valid)?;
                    d.checks.insert(check.name.clone(), check);
                }
            }
        }
        self.catalog.insert(d);
        Ok(())
    }

    fn domain_check(
        &self,
        q: &QualifiedName,
        d: &Domain,
        name: Option<&sqlparser::ast::Ident>,
        expr: &sqlparser::ast::Expr,
        not_valid: bool,
    ) -> Result<DomainCheck> {
        let mut scope = ExprScope::empty(self);
        scope.domain = true;
        scope
            .columns
            .push(("value".to_owned(), resolved(self, &d.base_type)));
        let text = scope.canonicalize(expr, &Role::Check)?;
        let name = match name {
            Some(n) => fold(n),
            None => {
                let others = d.checks.keys().map(|k| k.as_str().to_owned()).collect();
                self.taken(q.schema.as_str()).constraint_name(
                    q.name.as_str(),
                    None,
                    "check",
                    &others,
                )
            }
        };
        Ok(DomainCheck {
            name: Ident::new(name),
            expression: retort_catalog::SqlExpr::new(text),
            not_valid,
            comment: None,
        })
    }

    fn alter_domain(
        &mut self,
        name: &sqlparser::ast::ObjectName,
        action: &AlterDomainAction,
    ) -> Result<()> {
        let q = self
            .resolve(name, |q| self.catalog.domains.contains_key(q))?
            .ok_or_else(|| Problem::new(format!("domain \"{}\" does not exist", display(name))))?;
        if let AlterDomainAction::RenameTo(new) = action {
            return self.rename_type(&q, new);
        }
        self.names_changed();
        let d = self.catalog.domains[&q].clone();
        let mut d2 = d.clone();
        match action {
            AlterDomainAction::SetDefault(e) => {
                let target = resolved(self, &d.base_type);
                let text = ExprScope::empty(self).canonicalize(e, &Role::Default { target })?;
                d2.default = Some(retort_catalog::SqlExpr::new(text));
            }
            AlterDomainAction::DropDefault => d2.default = None,
            AlterDomainAction::SetNotNull => d2.not_null = true,
            AlterDomainAction::DropNotNull => d2.not_null = false,
            AlterDomainAction::AddConstraint(c) => match &c.kind {
                DomainConstraintKind::Check(expr) => {
                    let check = self.domain_check(&q, &d, c.name.as_ref(), expr, c.not_valid)?;
                    d2.checks.insert(check.name.clone(), check);
                }
                DomainConstraintKind::NotNull => d2.not_null = true,
                DomainConstraintKind::Null => {}
            },
            AlterDomainAction::DropConstraint {
                if_exists, name, ..
            } => {
                if d2.checks.remove(&fold_ident(name)).is_none() && !*if_exists {
                    return Err(Problem::new(format!(
                        "constraint \"{}\" of domain \"{q}\" does not exist",
                        fold(name)
                    )));
                }
            }
            AlterDomainAction::ValidateConstraint(name) => {
                if let Some(c) = d2.checks.get_mut(&fold_ident(name)) {
                    c.not_valid = false;
                }
            }
            AlterDomainAction::RenameTo(_) => {}
            AlterDomainAction::RenameConstraint { from, to } => {
                if let Some(mut c) = d2.checks.remove(&fold_ident(from)) {
                    c.name = fold_ident(to);
                    d2.checks.insert(c.name.clone(), c);
                }
            }
        }
        self.catalog.insert(d2);
        Ok(())
    }

    fn create_view(
        &mut self,
        view: &sqlparser::ast::CreateView,
        extras: &ViewExtras,
        statement: &ParsedStatement,
    ) -> Result<()> {
        let q = self.new_name(&view.name)?;
        let exists = self.catalog.views.contains_key(&q);
        if exists && !view.or_replace {
            if view.if_not_exists {
                return Ok(());
            }
            return Err(Problem::new(format!("relation \"{q}\" already exists")));
        }
        if self.catalog.tables.contains_key(&q) {
            return Err(Problem::new(format!("relation \"{q}\" already exists")));
        }
        let mut options: Vec<String> = match &view.options {
            sqlparser::ast::CreateTableOptions::With(list)
            | sqlparser::ast::CreateTableOptions::Options(list) => {
                list.iter().map(option_text).collect::<Result<_>>()?
            }
            _ => Vec::new(),
        };
        match extras.check_option {
            Some(CheckOption::Cascaded) => options.push("check_option=cascaded".to_owned()),
            Some(CheckOption::Local) => options.push("check_option=local".to_owned()),
            None => {}
        }
        options.sort();
        let column_names: Vec<String> = view.columns.iter().map(|c| fold(&c.name)).collect();
        let limit_all = statement
            .text
            .to_ascii_uppercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .windows(2)
            .any(|w| w == ["LIMIT", "ALL"]);
        let scope = ExprScope::empty(self);
        let canonical = if limit_all {
            Err("LIMIT ALL is not read offline".to_owned())
        } else {
            if extras.recursive {
                crate::canon::view::canonicalize_recursive_view(
                    q.name.as_str(),
                    &view.query,
                    &column_names,
                    &scope,
                )
            } else {
                crate::canon::view::canonicalize_view(&view.query, &column_names, &scope)
            }
            .map_err(|e| e.message)
        };
        let definition = match canonical {
            Ok(def) => {
                self.view_columns.insert(q.clone(), def.columns);
                def.definition
            }
            Err(e) => {
                self.approximate(format!(
                    "the view's query is kept as written ({e}); PostgreSQL stores it \
                     rewritten (pg_get_viewdef)"
                ));
                self.view_columns.remove(&q);
                format!(" {};", view.query)
            }
        };
        self.catalog.insert(View {
            name: q,
            materialized: view.materialized,
            definition,
            options,
            populated: extras.with_data != Some(false),
            depends_on: Default::default(),
            column_comments: Default::default(),
            comment: None,
        });
        Ok(())
    }

    pub(super) fn create_trigger(
        &mut self,
        t: &sqlparser::ast::CreateTrigger,
        args: &[String],
    ) -> Result<()> {
        let table = self.resolve_relation(&t.table_name)?;
        let name = Ident::new(name_parts(&t.name)?.last().cloned().unwrap_or_default());
        let id = TriggerId {
            table: table.clone(),
            name,
        };
        if self.catalog.triggers.contains_key(&id) && !t.or_replace {
            return Err(Problem::new(format!(
                "trigger \"{}\" for relation \"{table}\" already exists",
                id.name
            )));
        }
        let timing = match t.period {
            Some(TriggerPeriod::Before) => TriggerTiming::Before,
            Some(TriggerPeriod::InsteadOf) => TriggerTiming::InsteadOf,
            _ => TriggerTiming::After,
        };
        let mut events: Vec<TriggerEvent> = t
            .events
            .iter()
            .map(|e| match e {
                sqlparser::ast::TriggerEvent::Insert => TriggerEvent::Insert,
                sqlparser::ast::TriggerEvent::Update(cols) => {
                    TriggerEvent::Update(cols.iter().map(fold_ident).collect())
                }
                sqlparser::ast::TriggerEvent::Delete => TriggerEvent::Delete,
                sqlparser::ast::TriggerEvent::Truncate => TriggerEvent::Truncate,
            })
            .collect();
        events.sort_by_key(|e| match e {
            TriggerEvent::Insert => 0,
            TriggerEvent::Update(_) => 1,
            TriggerEvent::Delete => 2,
            TriggerEvent::Truncate => 3,
        });
        let for_each_row = matches!(
            t.trigger_object,
            Some(TriggerObjectKind::For(TriggerObject::Row))
                | Some(TriggerObjectKind::ForEach(TriggerObject::Row))
        );
        let Some(body) = &t.exec_body else {
            return Err(Problem::new("a trigger needs EXECUTE FUNCTION"));
        };
        let function = self
            .resolve(&body.func_desc.name, |q| {
                self.catalog
                    .functions
                    .keys()
                    .any(|f| f.schema == q.schema && f.name == q.name && f.arguments.is_empty())
            })?
            .ok_or_else(|| {
                Problem::new(format!(
                    "function {}() does not exist",
                    display(&body.func_desc.name)
                ))
            })?;
        let when = match &t.condition {
            Some(cond) => {
                let columns = match self.catalog.tables.get(&table) {
                    Some(tab) => tab.columns.clone(),
                    None => Vec::new(),
                };
                let mut scope = ExprScope::of_columns(self, &table, &columns);
                scope.qualifiers = vec!["new".to_owned(), "old".to_owned()];
                Some(retort_catalog::SqlExpr::new(
                    scope.canonicalize(cond, &Role::Predicate)?,
                ))
            }
            None => None,
        };
        let mut old_table = None;
        let mut new_table = None;
        for r in &t.referencing {
            let n = Ident::new(
                name_parts(&r.transition_relation_name)?
                    .last()
                    .cloned()
                    .unwrap_or_default(),
            );
            match r.refer_type {
                TriggerReferencingType::OldTable => old_table = Some(n),
                TriggerReferencingType::NewTable => new_table = Some(n),
            }
        }
        let constraint = if t.is_constraint {
            let (deferrable, initially_deferred) = match &t.characteristics {
                Some(c) => {
                    let deferred = matches!(
                        c.initially,
                        Some(sqlparser::ast::DeferrableInitial::Deferred)
                    );
                    (c.deferrable.unwrap_or(false) || deferred, deferred)
                }
                None => (false, false),
            };
            Some(ConstraintTrigger {
                referenced_table: t
                    .referenced_table_name
                    .as_ref()
                    .map(|r| self.resolve_relation(r))
                    .transpose()?,
                deferrable,
                initially_deferred,
            })
        } else {
            None
        };
        self.catalog.insert(Trigger {
            id,
            timing,
            events,
            for_each_row,
            when,
            function,
            arguments: args.to_vec(),
            old_table,
            new_table,
            constraint,
            enabled: TriggerEnabled::Origin,
            comment: None,
        });
        Ok(())
    }

    fn comment_on(&mut self, c: &CommentOn) -> Result<()> {
        let text = c.comment.clone();
        let parts = name_parts(&c.name)?;
        let missing =
            |what: &str| Problem::new(format!("{what} \"{}\" does not exist", display(&c.name)));
        match c.kind {
            CommentKind::Schema => {
                let n = Ident::new(parts.last().cloned().unwrap_or_default());
                self.catalog
                    .schemas
                    .get_mut(&n)
                    .ok_or_else(|| missing("schema"))?
                    .comment = text;
            }
            CommentKind::Extension if parts.last().is_some_and(|p| p == "plpgsql") => {
                // plpgsql is part of every database and not managed.
            }
            CommentKind::Extension => {
                let n = Ident::new(parts.last().cloned().unwrap_or_default());
                self.catalog
                    .extensions
                    .get_mut(&n)
                    .ok_or_else(|| missing("extension"))?
                    .comment = text;
            }
            CommentKind::Table => {
                let q = self.resolve_table(&c.name)?;
                self.table_mut(&q)?.comment = text;
            }
            CommentKind::View | CommentKind::MaterializedView => {
                let q = self
                    .resolve(&c.name, |q| self.catalog.views.contains_key(q))?
                    .ok_or_else(|| missing("view"))?;
                if let Some(v) = self.catalog.views.get_mut(&q) {
                    v.comment = text;
                }
            }
            CommentKind::Sequence => {
                let q = self
                    .resolve(&c.name, |q| self.catalog.sequences.contains_key(q))?
                    .ok_or_else(|| missing("sequence"))?;
                if let Some(s) = self.catalog.sequences.get_mut(&q) {
                    s.comment = text;
                }
            }
            CommentKind::Index => {
                let q = self.resolve(&c.name, |q| {
                    self.catalog.indexes.contains_key(q) || self.constraint_index(q).is_some()
                })?;
                let q = q.ok_or_else(|| missing("index"))?;
                if let Some(i) = self.catalog.indexes.get_mut(&q) {
                    i.comment = text;
                } else if let Some(table) = self.constraint_index(&q) {
                    if let Some(con) = self
                        .catalog
                        .tables
                        .get_mut(&table)
                        .and_then(|t| t.constraints.get_mut(&q.name))
                    {
                        con.index_comment = text;
                    }
                }
            }
            CommentKind::Type | CommentKind::Domain => {
                let q = self
                    .resolve(&c.name, |q| {
                        self.catalog.enums.contains_key(q)
                            || self.catalog.domains.contains_key(q)
                            || self.catalog.composite_types.contains_key(q)
                    })?
                    .ok_or_else(|| missing("type"))?;
                if let Some(e) = self.catalog.enums.get_mut(&q) {
                    e.comment = text;
                } else if let Some(d) = self.catalog.domains.get_mut(&q) {
                    d.comment = text;
                } else if let Some(t) = self.catalog.composite_types.get_mut(&q) {
                    t.comment = text;
                }
            }
            CommentKind::Column => {
                let mut parts = parts;
                let column = parts.pop().ok_or_else(|| missing("column"))?;
                let relation = sqlparser::ast::ObjectName::from(
                    parts
                        .iter()
                        .map(|p| sqlparser::ast::Ident::with_quote('"', p.as_str()))
                        .collect::<Vec<_>>(),
                );
                let q = self.resolve(&relation, |q| {
                    self.catalog.tables.contains_key(q)
                        || self.catalog.views.contains_key(q)
                        || self.catalog.composite_types.contains_key(q)
                })?;
                let q = q.ok_or_else(|| missing("relation"))?;
                if let Some(t) = self.catalog.tables.get_mut(&q) {
                    let col = t
                        .columns
                        .iter_mut()
                        .find(|x| x.name.as_str() == column)
                        .ok_or_else(|| {
                            Problem::new(format!("column \"{column}\" does not exist"))
                        })?;
                    col.comment = text;
                } else if let Some(v) = self.catalog.views.get_mut(&q) {
                    let key = Ident::new(column);
                    match text {
                        Some(t) => {
                            v.column_comments.insert(key, t);
                        }
                        None => {
                            v.column_comments.remove(&key);
                        }
                    }
                } else if let Some(t) = self.catalog.composite_types.get_mut(&q)
                    && let Some(a) = t.attributes.iter_mut().find(|a| a.name.as_str() == column)
                {
                    a.comment = text;
                }
            }
            CommentKind::Constraint => {
                let on = c.on.as_ref().ok_or_else(|| missing("constraint"))?;
                let table = self.resolve_table(on)?;
                let n = Ident::new(parts.last().cloned().unwrap_or_default());
                self.table_mut(&table)?
                    .constraints
                    .get_mut(&n)
                    .ok_or_else(|| missing("constraint"))?
                    .comment = text;
            }
            CommentKind::DomainConstraint => {
                let on = c.on.as_ref().ok_or_else(|| missing("constraint"))?;
                let q = self
                    .resolve(on, |q| self.catalog.domains.contains_key(q))?
                    .ok_or_else(|| missing("domain"))?;
                let n = Ident::new(parts.last().cloned().unwrap_or_default());
                if let Some(check) = self
                    .catalog
                    .domains
                    .get_mut(&q)
                    .and_then(|d| d.checks.get_mut(&n))
                {
                    check.comment = text;
                }
            }
            CommentKind::Trigger => {
                let on = c.on.as_ref().ok_or_else(|| missing("trigger"))?;
                let table = self.resolve_relation(on)?;
                let id = TriggerId {
                    table,
                    name: Ident::new(parts.last().cloned().unwrap_or_default()),
                };
                self.catalog
                    .triggers
                    .get_mut(&id)
                    .ok_or_else(|| missing("trigger"))?
                    .comment = text;
            }
            CommentKind::Policy => {
                let on = c.on.as_ref().ok_or_else(|| missing("policy"))?;
                let table = self.resolve_table(on)?;
                let n = Ident::new(parts.last().cloned().unwrap_or_default());
                self.table_mut(&table)?
                    .policies
                    .get_mut(&n)
                    .ok_or_else(|| missing("policy"))?
                    .comment = text;
            }
            CommentKind::Function | CommentKind::Procedure | CommentKind::Routine => {
                let id = self.function_for_comment(c)?;
                self.catalog
                    .functions
                    .get_mut(&id)
                    .ok_or_else(|| missing("function"))?
                    .comment = text;
            }
            CommentKind::Collation => {
                let q = self
                    .resolve(&c.name, |q| self.catalog.collations.contains_key(q))?
                    .ok_or_else(|| missing("collation"))?;
                if let Some(x) = self.catalog.collations.get_mut(&q) {
                    x.comment = text;
                }
            }
            CommentKind::Database | CommentKind::Role | CommentKind::Language => {}
            other => {
                return Err(Problem::new(format!(
                    "COMMENT ON {other:?} is not read offline: use a development database"
                )));
            }
        }
        Ok(())
    }

    /// The table whose primary key, unique or exclusion constraint has index `q`.
    fn constraint_index(&self, q: &QualifiedName) -> Option<QualifiedName> {
        self.catalog
            .tables
            .values()
            .filter(|t| t.name.schema == q.schema)
            .find(|t| {
                t.constraints.get(&q.name).is_some_and(|c| {
                    !matches!(
                        c.kind,
                        retort_catalog::ConstraintKind::Check { .. }
                            | retort_catalog::ConstraintKind::ForeignKey { .. }
                    )
                })
            })
            .map(|t| t.name.clone())
    }
}

/// Whether a query is `SELECT [pg_catalog.]setval(…)` alone.
fn is_setval(statement: &ParsedStatement) -> bool {
    let text = statement.text.trim_start().to_ascii_lowercase();
    let rest = text.strip_prefix("select").map(str::trim_start);
    rest.is_some_and(|r| {
        (r.starts_with("pg_catalog.setval(") || r.starts_with("setval(")) && !r.contains(" from ")
    })
}

/// The first few words of a statement, for messages.
fn first_words(text: &str) -> String {
    text.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}
