//! `CREATE TABLE`, `ALTER TABLE` and `CREATE INDEX`, as PostgreSQL stores them: serial columns
//! become a sequence, a default and NOT NULL; identity columns get their sequence; unnamed
//! constraints and indexes get the names PostgreSQL would choose, in the order it chooses them.

use std::collections::{BTreeMap, BTreeSet};

use retort_catalog::{
    Column, ColumnRef, Constraint, ConstraintKind, ExclusionElement, Generated, GeneratedKind,
    Identity, IdentityKind, Index, IndexElement, IndexKey, MatchType, PartitionKey, PartitionOf,
    PartitionStrategy, QualifiedName, ReferentialAction, Sequence, SequenceOptions, Table, TypeRef,
};
use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, CheckConstraint, ColumnDef, ColumnOption,
    ConstraintCharacteristics, ConstraintReferenceMatchKind, CreateIndex, CreateTable,
    DeferrableInitial, Expr, ForValues, ForeignKeyConstraint, GeneratedAs, GeneratedExpressionMode,
    Ident as SqlIdent, IndexColumn, NullsDistinctOption, ObjectName, OrderBySort,
    PartitionBoundValue, ReferentialAction as SqlAction, SequenceOptions as SqlSeq, SqlOption,
    TableConstraint,
};

use sqlparser::ast::Spanned as _;

use super::names::{Taken, index_column_names, name_addition};
use super::scope::{ExprScope, resolved};
use super::{Loader, Problem, Result, fold, fold_ident, name_parts};
use crate::canon::expr::{Role, TypeKind};
use crate::canon::types::serial_kind;
use crate::sql::{AlterTableAction, PartitionBound, TableExtras};

/// A constraint of a table being created or altered, before it has a name.
struct Pending {
    name: Option<String>,
    kind: PendingKind,
    deferrable: bool,
    initially_deferred: bool,
    not_valid: bool,
    /// Storage parameters of the constraint's index.
    index_options: Vec<String>,
}

enum PendingKind {
    PrimaryKey {
        columns: Vec<String>,
        include: Vec<String>,
    },
    Unique {
        columns: Vec<String>,
        include: Vec<String>,
        nulls_not_distinct: bool,
    },
    Check {
        expr: Box<Expr>,
        no_inherit: bool,
    },
    ForeignKey(Box<ForeignKeyConstraint>, Vec<String>),
    Exclusion(Box<sqlparser::ast::ExcludeConstraint>),
    /// `PRIMARY KEY USING INDEX i` / `UNIQUE USING INDEX i`: the index becomes the
    /// constraint's.
    UsingIndex {
        primary: bool,
        index: String,
    },
}

fn characteristics(c: &Option<ConstraintCharacteristics>) -> (bool, bool) {
    let Some(c) = c else {
        return (false, false);
    };
    let deferred = matches!(c.initially, Some(DeferrableInitial::Deferred));
    (c.deferrable.unwrap_or(false) || deferred, deferred)
}

fn idents(list: &[SqlIdent]) -> Vec<String> {
    list.iter().map(fold).collect()
}

fn index_column_list(list: &[IndexColumn]) -> Result<Vec<String>> {
    list.iter()
        .map(|c| match &c.column.expr {
            Expr::Identifier(ident) => Ok(fold(ident)),
            other => Err(Problem::new(format!(
                "a constraint column must be a column name, not `{other}`"
            ))),
        })
        .collect()
}

/// `fillfactor=70`, as `pg_class.reloptions` keeps a storage parameter.
pub(super) fn option_text(option: &SqlOption) -> Result<String> {
    match option {
        SqlOption::KeyValue { key, value } => Ok(format!("{}={}", fold(key), option_value(value))),
        SqlOption::Ident(key) => Ok(format!("{}=true", fold(key))),
        other => Err(Problem::new(format!(
            "storage parameter `{other}` is not read offline"
        ))),
    }
}

pub(super) fn option_expr_text(option: &Expr) -> Result<String> {
    match option {
        Expr::BinaryOp { left, right, .. } => {
            let key = match left.as_ref() {
                Expr::Identifier(i) => fold(i),
                Expr::CompoundIdentifier(parts) => {
                    parts.iter().map(fold).collect::<Vec<_>>().join(".")
                }
                other => other.to_string(),
            };
            Ok(format!("{key}={}", option_value(right)))
        }
        Expr::Identifier(i) => Ok(format!("{}=true", fold(i))),
        other => Err(Problem::new(format!(
            "storage parameter `{other}` is not read offline"
        ))),
    }
}

/// A storage parameter's value as PostgreSQL keeps it: the text written, unquoted.
fn option_value(value: &Expr) -> String {
    match value {
        Expr::Value(v) => match &v.value {
            sqlparser::ast::Value::SingleQuotedString(s)
            | sqlparser::ast::Value::DoubleQuotedString(s) => s.clone(),
            sqlparser::ast::Value::Boolean(b) => b.to_string(),
            other => other.to_string(),
        },
        Expr::Identifier(i) => fold(i),
        other => other.to_string(),
    }
}

/// Parses the `WITH (…)` text of a constraint's index (kept by the SQL reader as written).
fn index_with_options(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .split(',')
        .filter_map(|item| {
            let (k, v) = item.split_once('=')?;
            let v = v.trim().trim_matches('\'');
            Some(format!("{}={v}", k.trim().to_ascii_lowercase()))
        })
        .collect();
    out.sort();
    out
}

/// Sequence options with PostgreSQL's defaults for `data_type`, then `options` applied.
pub(super) fn sequence_options(data_type: &str, options: &[SqlSeq]) -> Result<SequenceOptions> {
    let (type_min, type_max) = match data_type {
        "smallint" => (i64::from(i16::MIN), i64::from(i16::MAX)),
        "integer" => (i64::from(i32::MIN), i64::from(i32::MAX)),
        "bigint" => (i64::MIN, i64::MAX),
        other => {
            return Err(Problem::new(format!(
                "a sequence must be smallint, integer or bigint, not {other}"
            )));
        }
    };
    let mut increment = 1;
    let mut min = None;
    let mut max = None;
    let mut start = None;
    let mut cache = 1;
    let mut cycle = false;
    for option in options {
        match option {
            SqlSeq::IncrementBy(e, _) => increment = int_value(e)?,
            SqlSeq::MinValue(e) => min = e.as_ref().map(int_value).transpose()?,
            SqlSeq::MaxValue(e) => max = e.as_ref().map(int_value).transpose()?,
            SqlSeq::StartWith(e, _) => start = Some(int_value(e)?),
            SqlSeq::Cache(e) => cache = int_value(e)?,
            SqlSeq::Cycle(no) => cycle = !*no,
        }
    }
    if increment == 0 {
        return Err(Problem::new("INCREMENT must not be zero"));
    }
    let min_value = min.unwrap_or(if increment > 0 { 1 } else { type_min });
    let max_value = max.unwrap_or(if increment > 0 { type_max } else { -1 });
    let start = start.unwrap_or(if increment > 0 { min_value } else { max_value });
    Ok(SequenceOptions {
        data_type: data_type.to_owned(),
        start,
        increment,
        min_value,
        max_value,
        cache,
        cycle,
    })
}

/// An integer written as a literal, possibly negative.
pub(super) fn int_value(expr: &Expr) -> Result<i64> {
    match expr {
        Expr::Value(v) => match &v.value {
            sqlparser::ast::Value::Number(n, _) => n
                .parse::<i64>()
                .map_err(|_| Problem::new(format!("{n} is not a 64-bit integer"))),
            other => Err(Problem::new(format!("expected an integer, found {other}"))),
        },
        Expr::UnaryOp {
            op: sqlparser::ast::UnaryOperator::Minus,
            expr,
        } => Ok(-int_value(expr)?),
        Expr::UnaryOp {
            op: sqlparser::ast::UnaryOperator::Plus,
            expr,
        } => int_value(expr),
        other => Err(Problem::new(format!("expected an integer, found {other}"))),
    }
}

/// `nextval('schema.seq'::regclass)`, as PostgreSQL prints a serial column's default.
pub(super) fn nextval_default(sequence: &QualifiedName) -> String {
    format!(
        "nextval({}::regclass)",
        retort_sql::quote::quote_literal(&retort_sql::quote::quote_qualified(sequence))
    )
}

fn referential(action: &Option<SqlAction>) -> ReferentialAction {
    match action {
        None | Some(SqlAction::NoAction) => ReferentialAction::NoAction,
        Some(SqlAction::Restrict) => ReferentialAction::Restrict,
        Some(SqlAction::Cascade) => ReferentialAction::Cascade,
        Some(SqlAction::SetNull) => ReferentialAction::SetNull,
        Some(SqlAction::SetDefault) => ReferentialAction::SetDefault,
    }
}

/// Operator classes PostgreSQL uses by default for their types; naming one changes nothing.
const DEFAULT_OPCLASSES: &[&str] = &[
    "int2_ops",
    "int4_ops",
    "int8_ops",
    "text_ops",
    "numeric_ops",
    "float4_ops",
    "float8_ops",
    "bool_ops",
    "date_ops",
    "timestamp_ops",
    "timestamptz_ops",
    "time_ops",
    "timetz_ops",
    "interval_ops",
    "uuid_ops",
    "bytea_ops",
    "bpchar_ops",
    "oid_ops",
    "char_ops",
    "name_ops",
    "enum_ops",
    "array_ops",
    "jsonb_ops",
    "inet_ops",
    "money_ops",
    "bit_ops",
    "varbit_ops",
    "tsvector_ops",
    "macaddr_ops",
    "record_ops",
    "pg_lsn_ops",
];

/// Operator classes extensions create, by extension.
const EXTENSION_OPCLASSES: &[(&str, &[&str])] = &[
    ("pg_trgm", &["gin_trgm_ops", "gist_trgm_ops"]),
    ("citext", &["citext_ops", "citext_pattern_ops"]),
    (
        "hstore",
        &["gist_hstore_ops", "gin_hstore_ops", "btree_hstore_ops"],
    ),
];

impl Loader {
    /// Drops the index of constraint names: to call after a change that removes or renames
    /// constraints (adding goes through [`Loader::insert_constraint`], which keeps it).
    pub(super) fn names_changed(&self) {
        self.constraint_names.borrow_mut().take();
    }

    /// Names in use in `schema`.
    pub(super) fn taken<'a>(&'a self, schema: &'a str) -> SchemaNames<'a> {
        SchemaNames {
            loader: self,
            schema,
        }
    }

    /// Constraint names by schema: all, and those of constraints with an index (which are
    /// relation names too). Built when first needed after a change other than
    /// [`Loader::insert_constraint`], which keeps it up to date.
    fn with_constraint_names<T>(&self, f: impl FnOnce(&ConstraintNames) -> T) -> T {
        let mut cache = self.constraint_names.borrow_mut();
        let names = cache.get_or_insert_with(|| {
            let mut names = ConstraintNames::default();
            for table in self.catalog.tables.values() {
                for c in table.constraints.values() {
                    names.add(table.name.schema.as_str(), c);
                }
            }
            for domain in self.catalog.domains.values() {
                for check in domain.checks.keys() {
                    names
                        .all
                        .entry(domain.name.schema.as_str().to_owned())
                        .or_default()
                        .insert(check.as_str().to_owned());
                }
            }
            names
        });
        f(names)
    }

    pub(super) fn create_table(
        &mut self,
        create: &CreateTable,
        extras: &TableExtras,
    ) -> Result<()> {
        let name = self.new_name(&create.name)?;
        if self.catalog.tables.contains_key(&name) || self.catalog.views.contains_key(&name) {
            if create.if_not_exists {
                return Ok(());
            }
            return Err(Problem::new(format!("relation \"{name}\" already exists")));
        }
        if create.query.is_some() || create.like.is_some() {
            return Err(Problem::new(
                "CREATE TABLE AS and LIKE are not read offline: use a development database",
            ));
        }
        let mut table = Table {
            name: name.clone(),
            columns: Vec::new(),
            constraints: Default::default(),
            partition_by: None,
            partition_of: None,
            inherits: Vec::new(),
            unlogged: create.unlogged,
            options: Vec::new(),
            row_security: false,
            force_row_security: false,
            replica_identity: Default::default(),
            clustered_on: None,
            policies: Default::default(),
            comment: None,
        };
        // Columns from the parent (partition) or parents (inheritance) come first.
        if let Some(parent) = &create.partition_of {
            let parent_name = self.resolve_table(parent)?;
            let parent_table = &self.catalog.tables[&parent_name];
            table.columns = parent_table
                .columns
                .iter()
                .map(|c| Column {
                    inherited: true,
                    comment: None,
                    identity: None,
                    storage: None,
                    compression: None,
                    statistics: None,
                    ..c.clone()
                })
                .collect();
            table.partition_of = Some(PartitionOf {
                parent: parent_name,
                bound: String::new(),
            });
        }
        if let Some(parents) = &create.inherits {
            for parent in parents {
                let parent_name = self.resolve_table(parent)?;
                let parent_table = &self.catalog.tables[&parent_name];
                for c in &parent_table.columns {
                    if table.columns.iter().any(|x| x.name == c.name) {
                        continue;
                    }
                    table.columns.push(Column {
                        inherited: true,
                        comment: None,
                        identity: None,
                        storage: None,
                        compression: None,
                        statistics: None,
                        ..c.clone()
                    });
                }
                table.inherits.push(parent_name);
            }
        }
        let mut pending: Vec<Pending> = Vec::new();
        let mut sequences: Vec<Sequence> = Vec::new();
        for column in &create.columns {
            self.column(&mut table, column, &mut pending, &mut sequences)
                .map_err(|p| p.within(column.span(), None))?;
        }
        for (i, constraint) in create.constraints.iter().enumerate() {
            let mut p = table_constraint(constraint)?;
            p.not_valid = extras.not_valid.contains(&i);
            if let Some((_, text)) = extras.index_with.iter().find(|(at, _)| *at == i) {
                p.index_options = index_with_options(text);
            }
            if let Some((_, cols)) = extras.on_delete_columns.iter().find(|(at, _)| *at == i)
                && let PendingKind::ForeignKey(_, on_delete) = &mut p.kind
            {
                *on_delete = cols.iter().map(|c| c.to_ascii_lowercase()).collect();
            }
            pending.push(p);
        }
        if let Some(key) = &create.partition_by {
            table.partition_by = Some(self.partition_key(key, &table)?);
        }
        if let (Some(bound), Some(of)) = (&create.for_values, &mut table.partition_of) {
            of.bound = for_values(bound)?;
        }
        if let sqlparser::ast::CreateTableOptions::With(options) = &create.table_options {
            let mut out = options
                .iter()
                .map(option_text)
                .collect::<Result<Vec<_>>>()?;
            out.sort();
            table.options = out;
        }
        // Everything the table refers to must exist before anything is added, so that a
        // statement that fails leaves the catalog as it was.
        for p in &pending {
            if let PendingKind::ForeignKey(fk, _) = &p.kind {
                let parts = name_parts(&fk.foreign_table)?;
                let itself = match parts.as_slice() {
                    [n] => *n == name.name.as_str(),
                    [.., s, n] => *n == name.name.as_str() && *s == name.schema.as_str(),
                    [] => false,
                };
                if !itself {
                    self.resolve_table(&fk.foreign_table)
                        .map_err(|p| p.within(fk.foreign_table.span(), None))?;
                }
            }
        }
        for seq in sequences {
            self.catalog.insert(Sequence {
                unlogged: table.unlogged,
                ..seq
            });
        }
        self.catalog.insert(table);
        self.add_constraints(&name, pending)
    }

    /// One column of `CREATE TABLE` or `ALTER TABLE ADD COLUMN`.
    fn column(
        &mut self,
        table: &mut Table,
        def: &ColumnDef,
        pending: &mut Vec<Pending>,
        sequences: &mut Vec<Sequence>,
    ) -> Result<()> {
        let name = fold(&def.name);
        let written = def.data_type.to_string();
        let serial = serial_kind(&written);
        let declared_type = match serial {
            Some(kind) => TypeRef::builtin(kind),
            None if is_with_options(&def.data_type) => {
                // `col WITH OPTIONS …` of a partition or a typed table: the parent's column.
                table
                    .column(&name)
                    .map(|c| c.data_type.clone())
                    .ok_or_else(|| Problem::new(format!("column \"{name}\" does not exist")))?
            }
            None => self
                .resolve_type(&def.data_type)
                .map_err(|p| p.within(def.span(), Some(&written)))?,
        };
        let existing = table.columns.iter().position(|c| c.name.as_str() == name);
        let mut column = match existing {
            Some(i) if table.columns[i].inherited => {
                let mut c = table.columns[i].clone();
                c.inherited = table.partition_of.is_some();
                if table.partition_of.is_none() {
                    c.inherited = false;
                }
                c
            }
            Some(_) => {
                return Err(Problem::new(format!(
                    "column \"{name}\" specified more than once"
                )));
            }
            None => Column {
                name: name.as_str().into(),
                data_type: declared_type.clone(),
                not_null: false,
                default: None,
                identity: None,
                generated: None,
                collation: None,
                storage: None,
                compression: None,
                statistics: None,
                inherited: false,
                comment: None,
            },
        };
        if let Some(kind) = serial {
            let seq_name = self.taken(table.name.schema.as_str()).relation_name(
                table.name.name.as_str(),
                Some(&name),
                "seq",
                false,
            );
            let seq_name = QualifiedName::new(table.name.schema.clone(), seq_name);
            sequences.push(Sequence {
                name: seq_name.clone(),
                options: sequence_options(kind, &[])?,
                unlogged: false,
                owned_by: Some(ColumnRef {
                    table: table.name.clone(),
                    column: column.name.clone(),
                }),
                comment: None,
            });
            column.default = Some(retort_catalog::SqlExpr::new(nextval_default(&seq_name)));
            column.not_null = true;
        }
        let target = resolved(self, &column.data_type);
        for option in &def.options {
            let constraint_name = option.name.as_ref().map(fold);
            match &option.option {
                ColumnOption::Null => {}
                ColumnOption::NotNull => column.not_null = true,
                ColumnOption::Default(expr)
                    if !matches!(target.kind, TypeKind::Domain { .. })
                        && crate::canon::expr::is_null_default(expr) =>
                {
                    // PostgreSQL keeps no default for a bare NULL.
                    column.default = None;
                }
                ColumnOption::Default(expr) => {
                    let columns_scope = ExprScope::empty(self);
                    let text = columns_scope.canonicalize(
                        expr,
                        &Role::Default {
                            target: target.clone(),
                        },
                    )?;
                    column.default = Some(retort_catalog::SqlExpr::new(text));
                }
                ColumnOption::Collation(collation) => {
                    column.collation = Some(self.resolve_collation(collation)?);
                }
                ColumnOption::PrimaryKey(pk) => {
                    let (deferrable, initially_deferred) = characteristics(&pk.characteristics);
                    column.not_null = true;
                    pending.push(Pending {
                        name: constraint_name.or(pk.name.as_ref().map(fold)),
                        kind: PendingKind::PrimaryKey {
                            columns: vec![name.clone()],
                            include: idents(&pk.include),
                        },
                        deferrable,
                        initially_deferred,
                        not_valid: false,
                        index_options: Vec::new(),
                    });
                }
                ColumnOption::Unique(u) => {
                    let (deferrable, initially_deferred) = characteristics(&u.characteristics);
                    pending.push(Pending {
                        name: constraint_name.or(u.name.as_ref().map(fold)),
                        kind: PendingKind::Unique {
                            columns: vec![name.clone()],
                            include: idents(&u.include),
                            nulls_not_distinct: matches!(
                                u.nulls_distinct,
                                NullsDistinctOption::NotDistinct
                            ),
                        },
                        deferrable,
                        initially_deferred,
                        not_valid: false,
                        index_options: Vec::new(),
                    });
                }
                ColumnOption::Check(CheckConstraint {
                    name: check_name,
                    expr,
                    no_inherit,
                    ..
                }) => pending.push(Pending {
                    name: constraint_name.or(check_name.as_ref().map(fold)),
                    kind: PendingKind::Check {
                        expr: expr.clone(),
                        no_inherit: *no_inherit,
                    },
                    deferrable: false,
                    initially_deferred: false,
                    not_valid: false,
                    index_options: Vec::new(),
                }),
                ColumnOption::ForeignKey(fk) => {
                    let (deferrable, initially_deferred) = characteristics(&fk.characteristics);
                    let mut fk = fk.clone();
                    fk.columns = vec![def.name.clone()];
                    pending.push(Pending {
                        name: constraint_name.or(fk.name.as_ref().map(fold)),
                        kind: PendingKind::ForeignKey(Box::new(fk), Vec::new()),
                        deferrable,
                        initially_deferred,
                        not_valid: false,
                        index_options: Vec::new(),
                    });
                }
                ColumnOption::Generated {
                    generated_as,
                    sequence_options: seq_options,
                    generation_expr,
                    generation_expr_mode,
                    ..
                } => match generation_expr {
                    Some(expr) => {
                        let kind = match generation_expr_mode {
                            Some(GeneratedExpressionMode::Virtual) => GeneratedKind::Virtual,
                            _ => GeneratedKind::Stored,
                        };
                        let scope = ExprScope::of_columns(self, &table.name, &table.columns);
                        let text = scope.canonicalize(
                            expr,
                            &Role::Generated {
                                target: target.clone(),
                            },
                        )?;
                        column.generated = Some(Generated {
                            kind,
                            expression: retort_catalog::SqlExpr::new(text),
                        });
                    }
                    None => {
                        let kind = match generated_as {
                            GeneratedAs::ByDefault => IdentityKind::ByDefault,
                            _ => IdentityKind::Always,
                        };
                        let data_type = column.data_type.sql.clone();
                        let options =
                            sequence_options(&data_type, seq_options.as_deref().unwrap_or(&[]))?;
                        let written = self.identity_names.pop_front().flatten();
                        let sequence_name = match written {
                            Some(n) => self.new_name(&n)?,
                            None => QualifiedName::new(
                                table.name.schema.clone(),
                                self.taken(table.name.schema.as_str()).relation_name(
                                    table.name.name.as_str(),
                                    Some(&name),
                                    "seq",
                                    false,
                                ),
                            ),
                        };
                        column.identity = Some(Identity {
                            kind,
                            sequence_name,
                            options,
                        });
                        column.not_null = true;
                    }
                },
                other => {
                    return Err(Problem::new(format!(
                        "column option `{other}` is not read offline"
                    )));
                }
            }
        }
        match existing {
            Some(i) => table.columns[i] = column,
            None => table.columns.push(column),
        }
        Ok(())
    }

    /// A collation by name: a user collation through the search path, else a built-in one.
    pub(super) fn resolve_collation(&self, name: &ObjectName) -> Result<QualifiedName> {
        let found = self.resolve(name, |q| self.catalog.collations.contains_key(q))?;
        if let Some(q) = found {
            return Ok(q);
        }
        let parts = name_parts(name)?;
        match parts.as_slice() {
            [name] => Ok(QualifiedName::new("pg_catalog", name.as_str())),
            [.., schema, name] => Ok(QualifiedName::new(schema.as_str(), name.as_str())),
            [] => Err(Problem::new("empty collation name")),
        }
    }

    fn partition_key(&self, key: &Expr, table: &Table) -> Result<PartitionKey> {
        let Expr::Function(f) = key else {
            return Err(Problem::new(format!("unexpected partition key `{key}`")));
        };
        let strategy = match name_parts(&f.name)?.as_slice() {
            [s] if s == "range" => PartitionStrategy::Range,
            [s] if s == "list" => PartitionStrategy::List,
            [s] if s == "hash" => PartitionStrategy::Hash,
            _ => {
                return Err(Problem::new(format!(
                    "unknown partition strategy `{}`",
                    f.name
                )));
            }
        };
        let sqlparser::ast::FunctionArguments::List(list) = &f.args else {
            return Err(Problem::new("a partition key needs columns"));
        };
        let scope = ExprScope::of_columns(self, &table.name, &table.columns);
        let mut parts = Vec::new();
        for arg in &list.args {
            let sqlparser::ast::FunctionArg::Unnamed(sqlparser::ast::FunctionArgExpr::Expr(e)) =
                arg
            else {
                return Err(Problem::new(format!("unexpected partition key `{arg}`")));
            };
            parts.push(match e {
                Expr::Identifier(i) => retort_sql::quote::quote_ident(&fold(i)),
                other => scope.canonicalize(other, &Role::IndexKey)?,
            });
        }
        Ok(PartitionKey {
            strategy,
            key: parts.join(", "),
        })
    }

    /// Names and adds constraints of table `name`, in the order PostgreSQL does: checks when
    /// the table is created, then the indexes of primary keys, unique and exclusion
    /// constraints, then foreign keys.
    fn add_constraints(&mut self, name: &QualifiedName, pending: Vec<Pending>) -> Result<()> {
        let schema = name.schema.as_str().to_owned();
        let mut checks = Vec::new();
        let mut indexed = Vec::new();
        let mut foreign = Vec::new();
        for p in pending {
            match p.kind {
                PendingKind::Check { .. } => checks.push(p),
                PendingKind::ForeignKey(..) => foreign.push(p),
                _ => indexed.push(p),
            }
        }
        // Checks.
        let mut chosen: BTreeSet<String> = checks.iter().filter_map(|p| p.name.clone()).collect();
        for p in checks {
            let PendingKind::Check { expr, no_inherit } = p.kind else {
                continue;
            };
            let table = &self.catalog.tables[name];
            let scope = ExprScope::of_columns(self, name, &table.columns);
            let text = scope.canonicalize(&expr, &Role::Check)?;
            let cname = match p.name {
                Some(n) => n,
                None => {
                    let referenced = referenced_columns(&expr, table);
                    let col = if referenced.len() == 1 {
                        referenced.into_iter().next()
                    } else {
                        None
                    };
                    let n = self.taken(&schema).constraint_name(
                        name.name.as_str(),
                        col.as_deref(),
                        "check",
                        &chosen,
                    );
                    chosen.insert(n.clone());
                    n
                }
            };
            let constraint = Constraint {
                name: cname.as_str().into(),
                kind: ConstraintKind::Check {
                    expression: retort_catalog::SqlExpr::new(text),
                    no_inherit,
                },
                deferrable: false,
                initially_deferred: false,
                not_valid: p.not_valid,
                comment: None,
                index_comment: None,
            };
            self.insert_constraint(name, constraint)?;
        }
        // Index-backed constraints; an exact repeat of an earlier one is merged into it.
        let mut seen: Vec<(Vec<String>, bool)> = Vec::new();
        for p in indexed {
            let (kind, addition_columns, label) = match p.kind {
                PendingKind::PrimaryKey { columns, include } => {
                    if self.catalog.tables[name].primary_key().is_some() {
                        return Err(Problem::new(format!(
                            "multiple primary keys for table \"{name}\" are not allowed"
                        )));
                    }
                    for col in &columns {
                        let table = self.table_mut(name)?;
                        match table.columns.iter_mut().find(|c| c.name.as_str() == col) {
                            Some(c) => c.not_null = true,
                            None => {
                                return Err(Problem::new(format!(
                                    "column \"{col}\" named in key does not exist"
                                )));
                            }
                        }
                    }
                    seen.push((columns.clone(), true));
                    (
                        ConstraintKind::PrimaryKey {
                            columns: columns.iter().map(|c| c.as_str().into()).collect(),
                            include: include.iter().map(|c| c.as_str().into()).collect(),
                            index_options: p.index_options.clone(),
                        },
                        Vec::new(),
                        "pkey",
                    )
                }
                PendingKind::Unique {
                    columns,
                    include,
                    nulls_not_distinct,
                } => {
                    if p.name.is_none()
                        && include.is_empty()
                        && seen.iter().any(|(c, _)| *c == columns)
                    {
                        continue;
                    }
                    seen.push((columns.clone(), false));
                    (
                        ConstraintKind::Unique {
                            columns: columns.iter().map(|c| c.as_str().into()).collect(),
                            include: include.iter().map(|c| c.as_str().into()).collect(),
                            nulls_not_distinct,
                            index_options: p.index_options.clone(),
                        },
                        columns,
                        "key",
                    )
                }
                PendingKind::Exclusion(ex) => {
                    let table = &self.catalog.tables[name];
                    let scope = ExprScope::of_columns(self, name, &table.columns);
                    let mut elements = Vec::new();
                    let mut colnames = Vec::new();
                    for element in &ex.elements {
                        let (key, colname) = self.index_element(&element.column, &scope)?;
                        colnames.push(colname);
                        let (operator, operator_schema) = match &element.operator {
                            sqlparser::ast::ExcludeConstraintOperator::Token(t) => {
                                (t.clone(), None)
                            }
                            sqlparser::ast::ExcludeConstraintOperator::PGOperator(parts) => {
                                match parts.as_slice() {
                                    [schema, op] if schema != "pg_catalog" => {
                                        (op.clone(), Some(schema.as_str().into()))
                                    }
                                    [.., op] => (op.clone(), None),
                                    [] => return Err(Problem::new("empty operator")),
                                }
                            }
                        };
                        elements.push(ExclusionElement {
                            key,
                            operator,
                            operator_schema,
                        });
                    }
                    let predicate = ex
                        .where_clause
                        .as_ref()
                        .map(|w| scope.canonicalize(w, &Role::Predicate))
                        .transpose()?
                        .map(retort_catalog::SqlExpr::new);
                    (
                        ConstraintKind::Exclusion {
                            method: ex
                                .index_method
                                .as_ref()
                                .map_or_else(|| "btree".to_owned(), fold),
                            elements,
                            include: ex.include.iter().map(|c| fold(c).as_str().into()).collect(),
                            predicate,
                            index_options: p.index_options.clone(),
                        },
                        colnames,
                        "excl",
                    )
                }
                PendingKind::UsingIndex { primary, index } => {
                    let key = QualifiedName::new(name.schema.clone(), index.as_str());
                    let Some(ix) = self.catalog.indexes.get(&key).filter(|i| i.table == *name)
                    else {
                        return Err(Problem::new(format!(
                            "index \"{index}\" of table \"{name}\" does not exist"
                        )));
                    };
                    if !ix.unique || ix.predicate.is_some() {
                        return Err(Problem::new(format!(
                            "index \"{index}\" is not a unique index on plain columns"
                        )));
                    }
                    let mut columns = Vec::new();
                    for k in &ix.keys {
                        match &k.key {
                            IndexKey::Column(c) => columns.push(c.clone()),
                            IndexKey::Expression(_) => {
                                return Err(Problem::new(format!(
                                    "index \"{index}\" contains expressions"
                                )));
                            }
                        }
                    }
                    let include = ix.include.clone();
                    let index_options = ix.options.clone();
                    let nulls_not_distinct = ix.nulls_not_distinct;
                    let index_comment = ix.comment.clone();
                    self.catalog.indexes.remove(&key);
                    if primary {
                        let table = self.table_mut(name)?;
                        for c in &mut table.columns {
                            if columns.contains(&c.name) {
                                c.not_null = true;
                            }
                        }
                    }
                    let kind = if primary {
                        ConstraintKind::PrimaryKey {
                            columns,
                            include,
                            index_options,
                        }
                    } else {
                        ConstraintKind::Unique {
                            columns,
                            include,
                            nulls_not_distinct,
                            index_options,
                        }
                    };
                    self.insert_constraint(
                        name,
                        Constraint {
                            name: p.name.unwrap_or(index).as_str().into(),
                            kind,
                            deferrable: p.deferrable,
                            initially_deferred: p.initially_deferred,
                            not_valid: false,
                            comment: None,
                            index_comment,
                        },
                    )?;
                    continue;
                }
                _ => continue,
            };
            let cname = match p.name {
                Some(n) => n,
                None => {
                    let addition = (!addition_columns.is_empty()).then(|| {
                        name_addition(&index_column_names(
                            addition_columns.iter().map(String::as_str),
                        ))
                    });
                    self.taken(&schema).relation_name(
                        name.name.as_str(),
                        addition.as_deref(),
                        label,
                        true,
                    )
                }
            };
            self.insert_constraint(
                name,
                Constraint {
                    name: cname.as_str().into(),
                    kind,
                    deferrable: p.deferrable,
                    initially_deferred: p.initially_deferred,
                    not_valid: false,
                    comment: None,
                    index_comment: None,
                },
            )?;
        }
        // Foreign keys.
        for p in foreign {
            let PendingKind::ForeignKey(fk, on_delete_columns) = p.kind else {
                continue;
            };
            let columns = idents(&fk.columns);
            let references = self
                .resolve_table(&fk.foreign_table)
                .map_err(|p| p.within(fk.foreign_table.span(), None))?;
            let referenced_columns = if fk.referred_columns.is_empty() {
                let target = &self.catalog.tables[&references];
                match target.primary_key().map(|c| &c.kind) {
                    Some(ConstraintKind::PrimaryKey { columns, .. }) => columns.clone(),
                    _ => {
                        return Err(Problem::new(format!(
                            "there is no primary key for referenced table \"{references}\""
                        )));
                    }
                }
            } else {
                fk.referred_columns.iter().map(fold_ident).collect()
            };
            let cname = match p.name {
                Some(n) => n,
                None => self.taken(&schema).constraint_name(
                    name.name.as_str(),
                    Some(&name_addition(&columns)),
                    "fkey",
                    &BTreeSet::new(),
                ),
            };
            let match_type = match fk.match_kind {
                Some(ConstraintReferenceMatchKind::Full) => MatchType::Full,
                Some(ConstraintReferenceMatchKind::Partial) => MatchType::Partial,
                _ => MatchType::Simple,
            };
            self.insert_constraint(
                name,
                Constraint {
                    name: cname.as_str().into(),
                    kind: ConstraintKind::ForeignKey {
                        columns: columns.iter().map(|c| c.as_str().into()).collect(),
                        references,
                        referenced_columns,
                        match_type,
                        on_update: referential(&fk.on_update),
                        on_delete: referential(&fk.on_delete),
                        on_delete_columns: on_delete_columns
                            .iter()
                            .map(|c| c.as_str().into())
                            .collect(),
                    },
                    deferrable: p.deferrable,
                    initially_deferred: p.initially_deferred,
                    not_valid: p.not_valid,
                    comment: None,
                    index_comment: None,
                },
            )?;
        }
        Ok(())
    }

    fn insert_constraint(&mut self, table: &QualifiedName, constraint: Constraint) -> Result<()> {
        let t = self.table_mut(table)?;
        if t.constraints.contains_key(&constraint.name) {
            return Err(Problem::new(format!(
                "constraint \"{}\" for relation \"{table}\" already exists",
                constraint.name
            )));
        }
        if let Some(names) = self.constraint_names.get_mut().as_mut() {
            names.add(table.schema.as_str(), &constraint);
        }
        let t = self.table_mut(table)?;
        t.constraints.insert(constraint.name.clone(), constraint);
        Ok(())
    }

    /// Changes table `name` in place.
    fn update_table(&mut self, name: &QualifiedName, f: impl FnOnce(&mut Table)) -> Result<()> {
        f(self.table_mut(name)?);
        Ok(())
    }

    pub(super) fn table_mut(&mut self, name: &QualifiedName) -> Result<&mut Table> {
        self.catalog
            .tables
            .get_mut(name)
            .ok_or_else(|| Problem::new(format!("table \"{name}\" does not exist")))
    }

    /// One key of an index or exclusion constraint, and the name PostgreSQL gives its column.
    fn index_element(
        &self,
        column: &IndexColumn,
        scope: &ExprScope<'_>,
    ) -> Result<(IndexElement, String)> {
        let mut expr = &column.column.expr;
        let mut collation = None;
        if let Expr::Collate {
            expr: inner,
            collation: c,
        } = expr
        {
            collation = Some(self.resolve_collation(c)?);
            expr = inner;
        }
        let (key, colname) = match expr {
            Expr::Identifier(i) => {
                let n = fold(i);
                (IndexKey::Column(n.as_str().into()), n)
            }
            Expr::Nested(inner) if matches!(inner.as_ref(), Expr::Identifier(_)) => {
                let n = match inner.as_ref() {
                    Expr::Identifier(i) => fold(i),
                    _ => return Err(Problem::new("expected a column name")),
                };
                (IndexKey::Column(n.as_str().into()), n)
            }
            other => {
                let text = scope.canonicalize(other, &Role::IndexKey)?;
                (
                    IndexKey::Expression(retort_catalog::SqlExpr::new(text)),
                    figure_colname(other).unwrap_or_else(|| "expr".to_owned()),
                )
            }
        };
        let descending = matches!(column.column.options.sort, Some(OrderBySort::Desc));
        let nulls_first = column.column.options.nulls_first.unwrap_or(descending);
        let opclass = match &column.operator_class {
            None => None,
            Some(name) => self.resolve_opclass(name)?,
        };
        Ok((
            IndexElement {
                key,
                collation,
                opclass,
                descending,
                nulls_first,
            },
            colname,
        ))
    }

    fn resolve_opclass(&self, name: &ObjectName) -> Result<Option<QualifiedName>> {
        let parts = name_parts(name)?;
        let (schema, op) = match parts.as_slice() {
            [op] => (None, op.clone()),
            [.., schema, op] => (Some(schema.clone()), op.clone()),
            [] => return Err(Problem::new("empty operator class")),
        };
        if DEFAULT_OPCLASSES.contains(&op.as_str())
            && schema.as_deref().is_none_or(|s| s == "pg_catalog")
        {
            return Ok(None);
        }
        if let Some(schema) = schema {
            return Ok(Some(QualifiedName::new(schema.as_str(), op.as_str())));
        }
        let from_extension = self.catalog.extensions.values().find(|ext| {
            EXTENSION_OPCLASSES
                .iter()
                .any(|(e, ops)| *e == ext.name.as_str() && ops.contains(&op.as_str()))
        });
        Ok(Some(match from_extension {
            Some(ext) => QualifiedName::new(ext.schema.clone(), op.as_str()),
            None => QualifiedName::new("pg_catalog", op.as_str()),
        }))
    }

    pub(super) fn create_index(&mut self, create: &CreateIndex, only: bool) -> Result<()> {
        let table_name = self
            .resolve_relation(&create.table_name)
            .map_err(|p| p.within(create.table_name.span(), None))?;
        let scope = match self.catalog.tables.get(&table_name) {
            Some(t) => ExprScope::of_columns(self, &table_name, &t.columns),
            None => {
                let mut scope = ExprScope::empty(self);
                scope.qualifiers = vec![table_name.name.as_str().to_owned()];
                match self.view_columns.get(&table_name) {
                    Some(columns) => scope.columns = columns.clone(),
                    None => self.approximate(
                        "index on a materialized view whose columns are not known offline",
                    ),
                }
                scope
            }
        };
        let mut keys = Vec::new();
        let mut colnames = Vec::new();
        for column in &create.columns {
            let (key, colname) = self.index_element(column, &scope)?;
            keys.push(key);
            colnames.push(colname);
        }
        let include: Vec<String> = idents(&create.include);
        let predicate = create
            .predicate
            .as_ref()
            .map(|p| scope.canonicalize(p, &Role::Predicate))
            .transpose()?
            .map(retort_catalog::SqlExpr::new);
        let mut options = create
            .with
            .iter()
            .map(option_expr_text)
            .collect::<Result<Vec<_>>>()?;
        options.sort();
        drop(scope);
        let name = match &create.name {
            Some(n) => {
                let parts = name_parts(n)?;
                let last = parts.last().cloned().unwrap_or_default();
                QualifiedName::new(table_name.schema.clone(), last)
            }
            None => {
                let all: Vec<&str> = colnames
                    .iter()
                    .map(String::as_str)
                    .chain(include.iter().map(String::as_str))
                    .collect();
                let addition = name_addition(&index_column_names(all));
                let n = self.taken(table_name.schema.as_str()).relation_name(
                    table_name.name.as_str(),
                    Some(&addition),
                    "idx",
                    false,
                );
                QualifiedName::new(table_name.schema.clone(), n)
            }
        };
        if self
            .taken(name.schema.as_str())
            .relation_taken(name.name.as_str())
        {
            if create.if_not_exists {
                return Ok(());
            }
            return Err(Problem::new(format!("relation \"{name}\" already exists")));
        }
        let method = match &create.using {
            None => "btree".to_owned(),
            Some(sqlparser::ast::IndexType::Custom(i)) => fold(i),
            Some(other) => other.to_string().to_ascii_lowercase(),
        };
        self.catalog.insert(Index {
            name,
            table: table_name,
            unique: create.unique,
            method,
            keys,
            include: include.iter().map(|c| c.as_str().into()).collect(),
            predicate,
            nulls_not_distinct: create.nulls_distinct == Some(false),
            options,
            only,
            comment: None,
        });
        Ok(())
    }

    /// `ALTER TABLE` (sqlparser's own actions).
    pub(super) fn alter_table_sql(
        &mut self,
        name: &ObjectName,
        if_exists: bool,
        only: bool,
        operations: &[AlterTableOperation],
    ) -> Result<()> {
        let actions: Vec<AlterTableAction> = operations
            .iter()
            .map(|op| AlterTableAction::Sql(Box::new(op.clone())))
            .collect();
        self.alter_table(name, if_exists, only, &actions)
    }

    /// `ALTER TABLE [IF EXISTS] [ONLY] name actions`.
    pub(super) fn alter_table(
        &mut self,
        name: &ObjectName,
        if_exists: bool,
        only: bool,
        actions: &[AlterTableAction],
    ) -> Result<()> {
        if let [AlterTableAction::Sql(op)] = actions
            && let AlterTableOperation::RenameTable { table_name: new } = op.as_ref()
        {
            let (sqlparser::ast::RenameTableNameKind::To(new)
            | sqlparser::ast::RenameTableNameKind::As(new)) = new;
            let new = match new.0.as_slice() {
                [sqlparser::ast::ObjectNamePart::Identifier(i)] => i,
                _ => {
                    return Err(Problem::new(
                        "the new name of ALTER TABLE … RENAME TO takes no schema",
                    ));
                }
            };
            return self.rename_relation(
                super::rename_object::RelationRename::Any,
                name,
                if_exists,
                new,
            );
        }
        let table_name = match self.resolve_relation(name) {
            Ok(n) => n,
            Err(_) if if_exists => return Ok(()),
            Err(e) => return Err(e),
        };
        if self.catalog.views.contains_key(&table_name) {
            return Err(Problem::new(format!(
                "ALTER TABLE on view \"{table_name}\" is not read offline"
            )));
        }
        for action in actions {
            let children = match action {
                AlterTableAction::Sql(op) => match op.as_ref() {
                    AlterTableOperation::DropColumn { column_names, .. } => {
                        let dropped: Vec<String> = column_names.iter().map(fold).collect();
                        Some((op.as_ref().clone(), dropped))
                    }
                    _ => None,
                },
                _ => None,
            };
            self.alter_table_action(&table_name, action)?;
            if let Some((op, dropped)) = children {
                for column in dropped {
                    self.drop_column_in_children(&table_name, &op, &column, only)?;
                }
            }
        }
        Ok(())
    }

    /// After `DROP COLUMN column` of `parent`: a child's column that only the parent gave is
    /// dropped too (and so on down), unless `ONLY`, when the children keep it as their own.
    fn drop_column_in_children(
        &mut self,
        parent: &QualifiedName,
        op: &AlterTableOperation,
        column: &str,
        only: bool,
    ) -> Result<()> {
        let children: Vec<QualifiedName> = self
            .catalog
            .tables
            .values()
            .filter(|t| {
                t.inherits.contains(parent)
                    || t.partition_of.as_ref().is_some_and(|p| p.parent == *parent)
            })
            .map(|t| t.name.clone())
            .collect();
        if only && !children.is_empty() && self.catalog.tables[parent].partition_by.is_some() {
            return Err(Problem::new(
                "cannot drop column from only the partitioned table when partitions exist",
            ));
        }
        for child in children {
            let t = self.table_mut(&child)?;
            let Some(c) = t.columns.iter_mut().find(|c| c.name.as_str() == column) else {
                continue;
            };
            if only || !c.inherited {
                c.inherited = false;
                continue;
            }
            let mut own = op.clone();
            if let AlterTableOperation::DropColumn { column_names, .. } = &mut own {
                *column_names = vec![SqlIdent::with_quote('"', column)];
            }
            self.alter_table_action(&child, &AlterTableAction::Sql(Box::new(own.clone())))?;
            self.drop_column_in_children(&child, &own, column, false)?;
        }
        Ok(())
    }

    fn alter_table_action(
        &mut self,
        name: &QualifiedName,
        action: &AlterTableAction,
    ) -> Result<()> {
        match action {
            AlterTableAction::Sql(op) => self.alter_table_op(name, op),
            AlterTableAction::SetStatistics { column, value } => {
                let value = i32::try_from(*value).map_err(|_| "statistics target out of range")?;
                let c = self.column_mut(name, column)?;
                c.statistics = (value >= 0).then_some(value);
                Ok(())
            }
            AlterTableAction::SetStorage { column, storage } => {
                let storage = match fold(storage).as_str() {
                    "plain" => Some(retort_catalog::ColumnStorage::Plain),
                    "external" => Some(retort_catalog::ColumnStorage::External),
                    "extended" => Some(retort_catalog::ColumnStorage::Extended),
                    "main" => Some(retort_catalog::ColumnStorage::Main),
                    "default" => None,
                    other => return Err(Problem::new(format!("unknown storage {other}"))),
                };
                let data_type = self.column_mut(name, column)?.data_type.clone();
                let storage = match (storage, self.default_storage(&data_type)) {
                    (Some(s), Some(default)) if s == default => None,
                    (Some(s), None) => {
                        self.approximate(format!(
                            "the default storage of type {} is not known offline",
                            data_type.sql
                        ));
                        Some(s)
                    }
                    (s, _) => s,
                };
                self.column_mut(name, column)?.storage = storage;
                Ok(())
            }
            AlterTableAction::SetCompression { column, method } => {
                let method = fold(method);
                self.column_mut(name, column)?.compression =
                    (method != "default").then_some(method);
                Ok(())
            }
            AlterTableAction::AddIdentity {
                column,
                always,
                sequence_name,
                options,
            } => {
                let column_name = fold(column);
                let data_type = self.column_mut(name, column)?.data_type.sql.clone();
                let options = sequence_options(&data_type, options)?;
                let seq = match sequence_name {
                    Some(n) => self.new_name(n)?,
                    None => QualifiedName::new(
                        name.schema.clone(),
                        self.taken(name.schema.as_str()).relation_name(
                            name.name.as_str(),
                            Some(&column_name),
                            "seq",
                            false,
                        ),
                    ),
                };
                let c = self.column_mut(name, column)?;
                c.identity = Some(Identity {
                    kind: if *always {
                        IdentityKind::Always
                    } else {
                        IdentityKind::ByDefault
                    },
                    sequence_name: seq,
                    options,
                });
                c.not_null = true;
                Ok(())
            }
            AlterTableAction::ClusterOn { index } => {
                self.table_mut(name)?.clustered_on = Some(fold_ident(index));
                Ok(())
            }
            AlterTableAction::DropIdentity { column, if_exists } => {
                let c = self.column_mut(name, column)?;
                if c.identity.take().is_none() && !*if_exists {
                    return Err(not_identity(name, column));
                }
                Ok(())
            }
            AlterTableAction::AlterIdentity {
                column,
                always,
                options,
                restart: _,
            } => {
                // RESTART sets the sequence's current value, which the catalog does not hold.
                let c = self.column_mut(name, column)?;
                let Some(identity) = c.identity.as_mut() else {
                    return Err(not_identity(name, column));
                };
                if let Some(always) = always {
                    identity.kind = if *always {
                        IdentityKind::Always
                    } else {
                        IdentityKind::ByDefault
                    };
                }
                identity.options = altered_sequence_options(&identity.options, None, options)?;
                Ok(())
            }
            AlterTableAction::DropExpression { column, if_exists } => {
                let c = self.column_mut(name, column)?;
                if c.generated.take().is_none() && !*if_exists {
                    return Err(Problem::new(format!(
                        "column \"{}\" of relation \"{}\" is not a stored generated column",
                        fold(column),
                        name.name
                    )));
                }
                Ok(())
            }
            AlterTableAction::AlterColumnType {
                column,
                data_type,
                collation,
                using: _,
            } => self.alter_column_type(name, column, data_type, collation.as_ref()),
            AlterTableAction::AlterConstraint {
                name: constraint,
                deferrable,
                initially_deferred,
            } => {
                let n = fold_ident(constraint);
                let table = name.name.clone();
                let c = self
                    .table_mut(name)?
                    .constraints
                    .get_mut(&n)
                    .ok_or_else(|| {
                        Problem::new(format!(
                            "constraint \"{n}\" of relation \"{table}\" does not exist"
                        ))
                    })?;
                if !matches!(c.kind, ConstraintKind::ForeignKey { .. }) {
                    return Err(Problem::new(format!(
                        "constraint \"{n}\" of relation \"{table}\" is not a foreign key \
                         constraint"
                    )));
                }
                let initially_deferred = initially_deferred.unwrap_or(false);
                let deferrable = match deferrable {
                    Some(false) if initially_deferred => {
                        return Err(Problem::new(
                            "constraint declared INITIALLY DEFERRED must be DEFERRABLE",
                        ));
                    }
                    Some(d) => *d,
                    None => initially_deferred,
                };
                c.deferrable = deferrable;
                c.initially_deferred = initially_deferred;
                Ok(())
            }
            AlterTableAction::ResetOptions(keys) => {
                let keys = option_keys(keys)?;
                self.table_mut(name)?
                    .options
                    .retain(|o| !keys.iter().any(|k| option_key(o) == k));
                Ok(())
            }
            AlterTableAction::SetWithoutCluster => {
                self.table_mut(name)?.clustered_on = None;
                Ok(())
            }
            AlterTableAction::DetachPartition { partition } => {
                let part = self.resolve_table(partition)?;
                let t = self.table_mut(&part)?;
                if t.partition_of.as_ref().is_none_or(|p| p.parent != *name) {
                    return Err(Problem::new(format!(
                        "relation \"{}\" is not a partition of relation \"{}\"",
                        part.name, name.name
                    )));
                }
                t.partition_of = None;
                for c in &mut t.columns {
                    c.inherited = false;
                }
                Ok(())
            }
            AlterTableAction::Inherit { parent, no } => {
                let parent = self.resolve_table(parent)?;
                if *no {
                    self.no_inherit(name, &parent)
                } else {
                    self.inherit(name, &parent)
                }
            }
            AlterTableAction::AttachPartition { partition, bound } => {
                let part = self.resolve_table(partition)?;
                let bound = partition_bound(bound)?;
                let parent = name.clone();
                let t = self.table_mut(&part)?;
                t.partition_of = Some(PartitionOf { parent, bound });
                for c in &mut t.columns {
                    c.inherited = true;
                }
                Ok(())
            }
        }
    }

    /// The storage a column of this type has unless set (`pg_type.typstorage`).
    fn default_storage(&self, t: &TypeRef) -> Option<retort_catalog::ColumnStorage> {
        use retort_catalog::ColumnStorage as S;
        if t.sql.ends_with("[]") {
            return Some(S::Extended);
        }
        if let Some(user) = &t.user_type {
            if self.catalog.enums.contains_key(user) {
                return Some(S::Plain);
            }
            if let Some(d) = self.catalog.domains.get(user) {
                return self.default_storage(&d.base_type);
            }
            if self.catalog.composite_types.contains_key(user)
                || self.catalog.tables.contains_key(user)
            {
                return Some(S::Extended);
            }
            return None;
        }
        let base = t.sql.split('(').next().unwrap_or_default().trim();
        const MAIN: &[&str] = &["numeric", "inet", "cidr"];
        const EXTENDED: &[&str] = &[
            "text",
            "character varying",
            "character",
            "bytea",
            "json",
            "jsonb",
            "jsonpath",
            "xml",
            "bit",
            "bit varying",
            "tsvector",
            "path",
            "polygon",
            "refcursor",
            "txid_snapshot",
            "pg_snapshot",
        ];
        // `timestamp(3) with time zone`: the precision sits inside the name.
        let base = match base {
            "timestamp" | "time" => t.sql.as_str(),
            other => other,
        };
        Some(if MAIN.contains(&base) {
            S::Main
        } else if EXTENDED.contains(&base) {
            S::Extended
        } else {
            S::Plain
        })
    }

    /// After `RENAME COLUMN old TO new` of `table`: the constraints, indexes and sequences
    /// that name the column by name follow it (expressions are kept as written).
    fn column_renamed(
        &mut self,
        table: &QualifiedName,
        old: &retort_catalog::Ident,
        new: &retort_catalog::Ident,
    ) {
        self.names_changed();
        let rename = |list: &mut Vec<retort_catalog::Ident>| {
            for c in list.iter_mut().filter(|c| *c == old) {
                *c = new.clone();
            }
        };
        for t in self.catalog.tables.values_mut() {
            let own = t.name == *table;
            for c in t.constraints.values_mut() {
                match &mut c.kind {
                    ConstraintKind::PrimaryKey {
                        columns, include, ..
                    }
                    | ConstraintKind::Unique {
                        columns, include, ..
                    } if own => {
                        rename(columns);
                        rename(include);
                    }
                    ConstraintKind::Exclusion {
                        elements, include, ..
                    } if own => {
                        for e in elements.iter_mut() {
                            if let IndexKey::Column(c) = &mut e.key.key
                                && c == old
                            {
                                *c = new.clone();
                            }
                        }
                        rename(include);
                    }
                    ConstraintKind::ForeignKey {
                        columns,
                        references,
                        referenced_columns,
                        on_delete_columns,
                        ..
                    } => {
                        if own {
                            rename(columns);
                            rename(on_delete_columns);
                        }
                        if references == table {
                            rename(referenced_columns);
                        }
                    }
                    _ => {}
                }
            }
        }
        for i in self
            .catalog
            .indexes
            .values_mut()
            .filter(|i| i.table == *table)
        {
            for k in &mut i.keys {
                if let IndexKey::Column(c) = &mut k.key
                    && c == old
                {
                    *c = new.clone();
                }
            }
            rename(&mut i.include);
        }
        for s in self.catalog.sequences.values_mut() {
            if let Some(o) = s.owned_by.as_mut()
                && o.table == *table
                && o.column == *old
            {
                o.column = new.clone();
            }
        }
    }

    /// `ALTER COLUMN c TYPE t [COLLATE c]`: the column takes the type, the collation written
    /// (else the type's default), the type's default storage; an identity sequence follows
    /// the column's type.
    fn alter_column_type(
        &mut self,
        table: &QualifiedName,
        column: &SqlIdent,
        data_type: &sqlparser::ast::DataType,
        collation: Option<&ObjectName>,
    ) -> Result<()> {
        let t = self.resolve_type(data_type)?;
        let collation = collation.map(|c| self.resolve_collation(c)).transpose()?;
        let name = fold_ident(column);
        if self.expressions_use_column(table, name.as_str()) {
            self.approximate(
                "after a column type change, defaults and checks that use the column are kept \
                 as they were",
            );
        }
        let c = self.column_mut(table, column)?;
        c.data_type = t.clone();
        c.collation = collation;
        c.storage = None;
        c.compression = None;
        if let Some(identity) = c.identity.as_mut() {
            identity.options = altered_sequence_options(&identity.options, Some(&t.sql), &[])?;
        }
        Ok(())
    }

    /// Whether a default, a generated expression or a check constraint of `table` may name
    /// the column `column` (a word of their text; PostgreSQL reparses them after a type change,
    /// which the loader does not).
    fn expressions_use_column(&self, table: &QualifiedName, column: &str) -> bool {
        let Some(t) = self.catalog.tables.get(table) else {
            return false;
        };
        let mentions = |text: &str| {
            text.match_indices(column).any(|(at, _)| {
                let before = text[..at].chars().next_back();
                let after = text[at + column.len()..].chars().next();
                let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                !word(before) && !word(after)
            })
        };
        t.columns.iter().any(|c| {
            (c.name.as_str() == column && c.default.is_some())
                || c.generated
                    .as_ref()
                    .is_some_and(|g| mentions(&g.expression.0))
        }) || t.constraints.values().any(|k| match &k.kind {
            ConstraintKind::Check { expression, .. } => mentions(&expression.0),
            _ => false,
        })
    }

    /// `ALTER TABLE child INHERIT parent`: the child must have the parent's columns (and their
    /// NOT NULL) and check constraints already; its columns stay its own.
    fn inherit(&mut self, child: &QualifiedName, parent: &QualifiedName) -> Result<()> {
        let p = self.catalog.tables[parent].clone();
        let c = &self.catalog.tables[child];
        if child == parent || c.inherits.contains(parent) {
            return Err(Problem::new(format!(
                "relation \"{}\" would be inherited from more than once",
                parent.name
            )));
        }
        if c.partition_of.is_some() || p.partition_by.is_some() || c.partition_by.is_some() {
            return Err(Problem::new(
                "cannot change inheritance of a partitioned table or a partition",
            ));
        }
        for pc in &p.columns {
            let Some(cc) = c.column(pc.name.as_str()) else {
                return Err(Problem::new(format!(
                    "child table is missing column \"{}\"",
                    pc.name
                )));
            };
            if cc.data_type != pc.data_type {
                return Err(Problem::new(format!(
                    "child table \"{}\" has different type for column \"{}\"",
                    child.name, pc.name
                )));
            }
            if pc.not_null && !cc.not_null {
                return Err(Problem::new(format!(
                    "column \"{}\" in child table must be marked NOT NULL",
                    pc.name
                )));
            }
        }
        for (n, k) in &p.constraints {
            if let ConstraintKind::Check {
                no_inherit: false, ..
            } = &k.kind
                && !c.constraints.contains_key(n)
            {
                return Err(Problem::new(format!(
                    "child table is missing constraint \"{n}\""
                )));
            }
        }
        self.table_mut(child)?.inherits.push(parent.clone());
        Ok(())
    }

    /// `ALTER TABLE child NO INHERIT parent`: the columns the child had only from its parents
    /// become its own once no parent gives them.
    fn no_inherit(&mut self, child: &QualifiedName, parent: &QualifiedName) -> Result<()> {
        let c = &self.catalog.tables[child];
        if !c.inherits.contains(parent) {
            return Err(Problem::new(format!(
                "relation \"{}\" is not a parent of relation \"{}\"",
                parent.name, child.name
            )));
        }
        let others: Vec<QualifiedName> = c
            .inherits
            .iter()
            .filter(|p| *p != parent)
            .cloned()
            .collect();
        let given: BTreeSet<String> = others
            .iter()
            .filter_map(|p| self.catalog.tables.get(p))
            .flat_map(|t| t.columns.iter().map(|c| c.name.as_str().to_owned()))
            .collect();
        let t = self.table_mut(child)?;
        t.inherits = others;
        for c in &mut t.columns {
            if c.inherited && !given.contains(c.name.as_str()) {
                c.inherited = false;
            }
        }
        Ok(())
    }

    fn column_mut(&mut self, table: &QualifiedName, column: &SqlIdent) -> Result<&mut Column> {
        let n = fold(column);
        self.table_mut(table)?
            .columns
            .iter_mut()
            .find(|c| c.name.as_str() == n)
            .ok_or_else(|| Problem::new(format!("column \"{n}\" of \"{table}\" does not exist")))
    }

    fn alter_table_op(&mut self, name: &QualifiedName, op: &AlterTableOperation) -> Result<()> {
        match op {
            AlterTableOperation::AddConstraint {
                constraint,
                not_valid,
            } => {
                let mut p = table_constraint(constraint)?;
                p.not_valid = *not_valid;
                self.add_constraints(name, vec![p])
            }
            AlterTableOperation::AddColumn {
                if_not_exists,
                column_def,
                ..
            } => {
                let n = fold(&column_def.name);
                let mut table = self.catalog.tables[name].clone();
                if table.column(&n).is_some() {
                    if *if_not_exists {
                        return Ok(());
                    }
                    return Err(Problem::new(format!("column \"{n}\" already exists")));
                }
                let mut pending = Vec::new();
                let mut sequences = Vec::new();
                self.column(&mut table, column_def, &mut pending, &mut sequences)?;
                for seq in sequences {
                    self.catalog.insert(Sequence {
                        unlogged: table.unlogged,
                        ..seq
                    });
                }
                self.catalog.insert(table);
                self.add_constraints(name, pending)
            }
            AlterTableOperation::DropConstraint {
                if_exists, name: c, ..
            } => {
                self.names_changed();
                let c = fold_ident(c);
                let t = self.table_mut(name)?;
                if t.constraints.remove(&c).is_none() && !*if_exists {
                    return Err(Problem::new(format!("constraint \"{c}\" does not exist")));
                }
                Ok(())
            }
            AlterTableOperation::DropColumn {
                column_names,
                if_exists,
                ..
            } => {
                self.names_changed();
                for column in column_names {
                    let n = fold(column);
                    let t = self.table_mut(name)?;
                    let before = t.columns.len();
                    t.columns.retain(|c| c.name.as_str() != n);
                    if t.columns.len() == before {
                        if *if_exists {
                            continue;
                        }
                        return Err(Problem::new(format!("column \"{n}\" does not exist")));
                    }
                    t.constraints.retain(|_, c| !constraint_uses(c, &n));
                    let index_names: Vec<QualifiedName> = self
                        .catalog
                        .indexes
                        .values()
                        .filter(|i| &i.table == name && index_uses(i, &n))
                        .map(|i| i.name.clone())
                        .collect();
                    for i in index_names {
                        self.catalog.indexes.remove(&i);
                    }
                    self.catalog.sequences.retain(|_, s| {
                        s.owned_by
                            .as_ref()
                            .is_none_or(|o| !(o.table == *name && o.column.as_str() == n))
                    });
                }
                Ok(())
            }
            AlterTableOperation::AlterColumn { column_name, op } => {
                let target = {
                    let c = self.column_mut(name, column_name)?;
                    c.data_type.clone()
                };
                match op {
                    AlterColumnOperation::SetNotNull => {
                        self.column_mut(name, column_name)?.not_null = true
                    }
                    AlterColumnOperation::DropNotNull => {
                        self.column_mut(name, column_name)?.not_null = false
                    }
                    AlterColumnOperation::SetDefault { value } => {
                        let target = resolved(self, &target);
                        let default = if !matches!(target.kind, TypeKind::Domain { .. })
                            && crate::canon::expr::is_null_default(value)
                        {
                            None
                        } else {
                            let text = ExprScope::empty(self)
                                .canonicalize(value, &Role::Default { target })?;
                            Some(retort_catalog::SqlExpr::new(text))
                        };
                        self.column_mut(name, column_name)?.default = default;
                    }
                    AlterColumnOperation::DropDefault => {
                        self.column_mut(name, column_name)?.default = None
                    }
                    AlterColumnOperation::SetDataType { data_type, .. } => {
                        return self.alter_column_type(name, column_name, data_type, None);
                    }
                    AlterColumnOperation::AddGenerated {
                        generated_as,
                        sequence_options: options,
                    } => {
                        let action = AlterTableAction::AddIdentity {
                            column: column_name.clone(),
                            always: !matches!(generated_as, Some(GeneratedAs::ByDefault)),
                            sequence_name: None,
                            options: options.clone().unwrap_or_default(),
                        };
                        return self.alter_table_action(name, &action);
                    }
                }
                Ok(())
            }
            AlterTableOperation::EnableRowLevelSecurity => {
                self.update_table(name, |t| t.row_security = true)
            }
            AlterTableOperation::DisableRowLevelSecurity => {
                self.update_table(name, |t| t.row_security = false)
            }
            AlterTableOperation::ForceRowLevelSecurity => {
                self.update_table(name, |t| t.force_row_security = true)
            }
            AlterTableOperation::NoForceRowLevelSecurity => {
                self.update_table(name, |t| t.force_row_security = false)
            }
            AlterTableOperation::ReplicaIdentity { identity } => {
                use sqlparser::ast::ReplicaIdentity as R;
                self.table_mut(name)?.replica_identity = match identity {
                    R::Nothing => retort_catalog::ReplicaIdentity::Nothing,
                    R::Full => retort_catalog::ReplicaIdentity::Full,
                    R::Default => retort_catalog::ReplicaIdentity::Default,
                    R::Index(i) => retort_catalog::ReplicaIdentity::Index(fold_ident(i)),
                };
                Ok(())
            }
            AlterTableOperation::ValidateConstraint { name: c } => {
                let c = fold_ident(c);
                let t = self.table_mut(name)?;
                match t.constraints.get_mut(&c) {
                    Some(c) => {
                        c.not_valid = false;
                        Ok(())
                    }
                    None => Err(Problem::new(format!("constraint \"{c}\" does not exist"))),
                }
            }
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => {
                self.approximate("expressions that use a renamed column keep the old name offline");
                let new = fold_ident(new_column_name);
                let old = fold_ident(old_column_name);
                if self.table_mut(name)?.column(new.as_str()).is_some() {
                    return Err(Problem::new(format!(
                        "column \"{new}\" of relation \"{}\" already exists",
                        name.name
                    )));
                }
                self.column_mut(name, old_column_name)?.name = new.clone();
                self.column_renamed(name, &old, &new);
                Ok(())
            }
            AlterTableOperation::RenameConstraint { old_name, new_name } => {
                self.names_changed();
                let old = fold_ident(old_name);
                let new = fold_ident(new_name);
                let t = self.table_mut(name)?;
                let mut c = t
                    .constraints
                    .remove(&old)
                    .ok_or_else(|| Problem::new(format!("constraint \"{old}\" does not exist")))?;
                c.name = new.clone();
                t.constraints.insert(new, c);
                Ok(())
            }
            AlterTableOperation::SetOptionsParens { options } => {
                let mut all = self.table_mut(name)?.options.clone();
                for o in options {
                    let text = option_text(o)?;
                    let key = text.split('=').next().unwrap_or_default().to_owned();
                    all.retain(|x| x.split('=').next() != Some(key.as_str()));
                    all.push(text);
                }
                all.sort();
                self.table_mut(name)?.options = all;
                Ok(())
            }
            AlterTableOperation::SetLogged => self.update_table(name, |t| t.unlogged = false),
            AlterTableOperation::SetUnlogged => self.update_table(name, |t| t.unlogged = true),
            AlterTableOperation::EnableTrigger { name: t }
            | AlterTableOperation::DisableTrigger { name: t }
            | AlterTableOperation::EnableAlwaysTrigger { name: t }
            | AlterTableOperation::EnableReplicaTrigger { name: t } => {
                use retort_catalog::TriggerEnabled as E;
                let state = match op {
                    AlterTableOperation::EnableTrigger { .. } => E::Origin,
                    AlterTableOperation::DisableTrigger { .. } => E::Disabled,
                    AlterTableOperation::EnableAlwaysTrigger { .. } => E::Always,
                    _ => E::Replica,
                };
                let id = retort_catalog::TriggerId {
                    table: name.clone(),
                    name: fold_ident(t),
                };
                match self.catalog.triggers.get_mut(&id) {
                    Some(trigger) => {
                        trigger.enabled = state;
                        Ok(())
                    }
                    None => Err(Problem::new(format!(
                        "trigger \"{}\" does not exist",
                        id.name
                    ))),
                }
            }
            AlterTableOperation::OwnerTo { .. } => Ok(()),
            other => Err(Problem::new(format!(
                "ALTER TABLE action `{other}` is not read offline: use a development database"
            ))),
        }
    }
}

fn not_identity(table: &QualifiedName, column: &SqlIdent) -> Problem {
    Problem::new(format!(
        "column \"{}\" of relation \"{}\" is not an identity column",
        fold(column),
        table.name
    ))
}

/// The name of a storage parameter as `reloptions` keeps it (`fillfactor=70` → `fillfactor`).
pub(super) fn option_key(option: &str) -> &str {
    option.split_once('=').map_or(option, |(k, _)| k)
}

/// The names of `RESET (…)`, folded.
pub(super) fn option_keys(names: &[ObjectName]) -> Result<Vec<String>> {
    names.iter().map(|n| Ok(name_parts(n)?.join("."))).collect()
}

/// Storage parameters with `set` (as [`option_expr_text`] reads them) applied: a parameter
/// set again replaces its old value; the result in name order.
pub(super) fn set_options(old: &[String], set: &[Expr]) -> Result<Vec<String>> {
    let mut all = old.to_vec();
    for o in set {
        let text = option_expr_text(o)?;
        let key = option_key(&text).to_owned();
        all.retain(|x| option_key(x) != key);
        all.push(text);
    }
    all.sort();
    Ok(all)
}

/// `old` with the options of `ALTER SEQUENCE` (or of an identity column's `SET …`) applied,
/// and its type changed to `data_type` if given: PostgreSQL's `init_params` for an existing
/// sequence (bounds that were the old type's own follow the new type).
pub(super) fn altered_sequence_options(
    old: &SequenceOptions,
    data_type: Option<&str>,
    options: &[SqlSeq],
) -> Result<SequenceOptions> {
    let bounds = |t: &str| match t {
        "smallint" => Some((i64::from(i16::MIN), i64::from(i16::MAX))),
        "integer" => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
        "bigint" => Some((i64::MIN, i64::MAX)),
        _ => None,
    };
    let new_type = data_type.unwrap_or(&old.data_type);
    let (new_min, new_max) = bounds(new_type).ok_or_else(|| {
        Problem::new(format!(
            "a sequence must be smallint, integer or bigint, not {new_type}"
        ))
    })?;
    let type_changed = new_type != old.data_type;
    let (old_min, old_max) = bounds(&old.data_type).unwrap_or((new_min, new_max));
    let mut out = old.clone();
    out.data_type = new_type.to_owned();
    let mut reset_min = type_changed && old.min_value == old_min;
    let mut reset_max = type_changed && old.max_value == old_max;
    for option in options {
        match option {
            SqlSeq::IncrementBy(e, _) => out.increment = int_value(e)?,
            SqlSeq::MinValue(Some(e)) => {
                out.min_value = int_value(e)?;
                reset_min = false;
            }
            SqlSeq::MinValue(None) => reset_min = true,
            SqlSeq::MaxValue(Some(e)) => {
                out.max_value = int_value(e)?;
                reset_max = false;
            }
            SqlSeq::MaxValue(None) => reset_max = true,
            SqlSeq::StartWith(e, _) => out.start = int_value(e)?,
            SqlSeq::Cache(e) => out.cache = int_value(e)?,
            SqlSeq::Cycle(no) => out.cycle = !*no,
        }
    }
    if out.increment == 0 {
        return Err(Problem::new("INCREMENT must not be zero"));
    }
    if reset_max {
        out.max_value = if out.increment > 0 { new_max } else { -1 };
    }
    if reset_min {
        out.min_value = if out.increment > 0 { 1 } else { new_min };
    }
    if out.max_value > new_max || out.min_value < new_min {
        return Err(Problem::new(format!(
            "a sequence bound is out of range for data type {new_type}"
        )));
    }
    if out.min_value >= out.max_value {
        return Err(Problem::new(format!(
            "MINVALUE ({}) must be less than MAXVALUE ({})",
            out.min_value, out.max_value
        )));
    }
    if out.start < out.min_value {
        return Err(Problem::new(format!(
            "START value ({}) cannot be less than MINVALUE ({})",
            out.start, out.min_value
        )));
    }
    if out.start > out.max_value {
        return Err(Problem::new(format!(
            "START value ({}) cannot be greater than MAXVALUE ({})",
            out.start, out.max_value
        )));
    }
    if out.cache <= 0 {
        return Err(Problem::new("CACHE must be greater than zero"));
    }
    Ok(out)
}

/// `col WITH OPTIONS …`: no type of its own.
fn is_with_options(data_type: &sqlparser::ast::DataType) -> bool {
    match data_type {
        sqlparser::ast::DataType::Unspecified => true,
        sqlparser::ast::DataType::Custom(name, modifiers) => {
            modifiers.is_empty()
                && matches!(name.0.as_slice(), [sqlparser::ast::ObjectNamePart::Identifier(i)]
                    if i.quote_style.is_some() && i.value == crate::sql::WITH_OPTIONS_TYPE)
        }
        _ => false,
    }
}

/// Whether a constraint mentions column `n` (dropped with it).
fn constraint_uses(c: &Constraint, n: &str) -> bool {
    let has = |cols: &[retort_catalog::Ident]| cols.iter().any(|x| x.as_str() == n);
    match &c.kind {
        ConstraintKind::PrimaryKey {
            columns, include, ..
        }
        | ConstraintKind::Unique {
            columns, include, ..
        } => has(columns) || has(include),
        ConstraintKind::ForeignKey { columns, .. } => has(columns),
        ConstraintKind::Check { expression, .. } => mentions(expression.as_str(), n),
        ConstraintKind::Exclusion { elements, .. } => elements.iter().any(|e| match &e.key.key {
            IndexKey::Column(c) => c.as_str() == n,
            IndexKey::Expression(x) => mentions(x.as_str(), n),
        }),
    }
}

fn index_uses(i: &Index, n: &str) -> bool {
    i.keys.iter().any(|k| match &k.key {
        IndexKey::Column(c) => c.as_str() == n,
        IndexKey::Expression(x) => mentions(x.as_str(), n),
    }) || i.include.iter().any(|c| c.as_str() == n)
        || i.predicate
            .as_ref()
            .is_some_and(|p| mentions(p.as_str(), n))
}

/// Whether canonical expression text names column `n` (as a whole word).
fn mentions(text: &str, n: &str) -> bool {
    let quoted = retort_sql::quote::quote_ident(n);
    text.match_indices(quoted.as_str()).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + quoted.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '"');
        !word(before) && !word(after)
    })
}

/// The distinct columns an expression reads, in order of first use.
fn referenced_columns(expr: &Expr, table: &Table) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let _ = sqlparser::ast::visit_expressions(expr, |e| {
        let n = match e {
            Expr::Identifier(i) => Some(fold(i)),
            Expr::CompoundIdentifier(parts) => parts.last().map(fold),
            _ => None,
        };
        if let Some(n) = n
            && table.column(&n).is_some()
            && !out.contains(&n)
        {
            out.push(n);
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    out
}

/// The name PostgreSQL gives an index column that is an expression (`FigureIndexColname`):
/// a function's name, a column's name, a cast's type; `None` for anything else ("expr").
fn figure_colname(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Identifier(i) => Some(fold(i)),
        Expr::CompoundIdentifier(parts) => parts.last().map(fold),
        Expr::Function(f) => name_parts(&f.name).ok()?.last().cloned(),
        Expr::Nested(inner) => figure_colname(inner),
        Expr::Cast {
            expr, data_type, ..
        } => figure_colname(expr).or_else(|| {
            let text = data_type.to_string();
            let last = text.rsplit('.').next()?.to_owned();
            Some(last.trim_matches('"').to_ascii_lowercase())
        }),
        Expr::Case { .. } => Some("case".to_owned()),
        Expr::Array(_) => Some("array".to_owned()),
        _ => None,
    }
}

/// A table-level constraint, unnamed constraints left for [`Loader::add_constraints`].
fn table_constraint(constraint: &TableConstraint) -> Result<Pending> {
    let base = |name: &Option<SqlIdent>, c: &Option<ConstraintCharacteristics>, kind| {
        let (deferrable, initially_deferred) = characteristics(c);
        Pending {
            name: name.as_ref().map(fold),
            kind,
            deferrable,
            initially_deferred,
            not_valid: false,
            index_options: Vec::new(),
        }
    };
    Ok(match constraint {
        TableConstraint::PrimaryKey(pk) => base(
            &pk.name,
            &pk.characteristics,
            PendingKind::PrimaryKey {
                columns: index_column_list(&pk.columns)?,
                include: idents(&pk.include),
            },
        ),
        TableConstraint::Unique(u) => base(
            &u.name,
            &u.characteristics,
            PendingKind::Unique {
                columns: index_column_list(&u.columns)?,
                include: idents(&u.include),
                nulls_not_distinct: matches!(u.nulls_distinct, NullsDistinctOption::NotDistinct),
            },
        ),
        TableConstraint::Check(c) => base(
            &c.name,
            &None,
            PendingKind::Check {
                expr: c.expr.clone(),
                no_inherit: c.no_inherit,
            },
        ),
        TableConstraint::ForeignKey(fk) => base(
            &fk.name,
            &fk.characteristics,
            PendingKind::ForeignKey(Box::new(fk.clone()), Vec::new()),
        ),
        TableConstraint::Exclude(ex) => base(
            &ex.name,
            &ex.characteristics,
            PendingKind::Exclusion(Box::new(ex.clone())),
        ),
        TableConstraint::PrimaryKeyUsingIndex(u) | TableConstraint::UniqueUsingIndex(u) => base(
            &u.name,
            &u.characteristics,
            PendingKind::UsingIndex {
                primary: matches!(constraint, TableConstraint::PrimaryKeyUsingIndex(_)),
                index: fold(&u.index_name),
            },
        ),
        other => {
            return Err(Problem::new(format!(
                "constraint `{other}` is not read offline"
            )));
        }
    })
}

/// A partition bound value as PostgreSQL prints it: numbers bare, anything else quoted.
fn bound_value(expr: &Expr) -> Result<String> {
    match expr {
        Expr::Value(v) => match &v.value {
            sqlparser::ast::Value::Number(n, _) => Ok(n.clone()),
            sqlparser::ast::Value::SingleQuotedString(s) => Ok(retort_sql::quote::quote_literal(s)),
            sqlparser::ast::Value::Boolean(b) => Ok(b.to_string()),
            sqlparser::ast::Value::Null => Ok("NULL".to_owned()),
            other => Err(Problem::new(format!(
                "partition bound {other} is not read offline"
            ))),
        },
        Expr::UnaryOp {
            op: sqlparser::ast::UnaryOperator::Minus,
            expr,
        } => Ok(format!("'-{}'", bound_value(expr)?.trim_matches('\''))),
        Expr::Identifier(i) if fold(i) == "minvalue" => Ok("MINVALUE".to_owned()),
        Expr::Identifier(i) if fold(i) == "maxvalue" => Ok("MAXVALUE".to_owned()),
        other => Err(Problem::new(format!(
            "partition bound `{other}` is not read offline"
        ))),
    }
}

fn bound_list(values: &[Expr]) -> Result<String> {
    Ok(values
        .iter()
        .map(bound_value)
        .collect::<Result<Vec<_>>>()?
        .join(", "))
}

fn for_values(bound: &ForValues) -> Result<String> {
    let value = |v: &PartitionBoundValue| match v {
        PartitionBoundValue::Expr(e) => bound_value(e),
        PartitionBoundValue::MinValue => Ok("MINVALUE".to_owned()),
        PartitionBoundValue::MaxValue => Ok("MAXVALUE".to_owned()),
    };
    let list = |vs: &[PartitionBoundValue]| -> Result<String> {
        Ok(vs.iter().map(value).collect::<Result<Vec<_>>>()?.join(", "))
    };
    Ok(match bound {
        ForValues::Default => "DEFAULT".to_owned(),
        ForValues::In(values) => format!("FOR VALUES IN ({})", bound_list(values)?),
        ForValues::From { from, to } => {
            format!("FOR VALUES FROM ({}) TO ({})", list(from)?, list(to)?)
        }
        ForValues::With { modulus, remainder } => {
            format!("FOR VALUES WITH (modulus {modulus}, remainder {remainder})")
        }
    })
}

fn partition_bound(bound: &PartitionBound) -> Result<String> {
    Ok(match bound {
        PartitionBound::Default => "DEFAULT".to_owned(),
        PartitionBound::In(values) => format!("FOR VALUES IN ({})", bound_list(values)?),
        PartitionBound::Range { from, to } => format!(
            "FOR VALUES FROM ({}) TO ({})",
            bound_list(from)?,
            bound_list(to)?
        ),
        PartitionBound::Hash { modulus, remainder } => format!(
            "FOR VALUES WITH (modulus {}, remainder {})",
            int_value(modulus)?,
            int_value(remainder)?
        ),
    })
}

/// Constraint names of every schema, for choosing implicit names.
#[derive(Debug, Default, Clone)]
pub(crate) struct ConstraintNames {
    all: BTreeMap<String, BTreeSet<String>>,
    indexed: BTreeMap<String, BTreeSet<String>>,
}

impl ConstraintNames {
    fn add(&mut self, schema: &str, c: &Constraint) {
        let name = c.name.as_str().to_owned();
        if !matches!(
            c.kind,
            ConstraintKind::Check { .. } | ConstraintKind::ForeignKey { .. }
        ) {
            self.indexed
                .entry(schema.to_owned())
                .or_default()
                .insert(name.clone());
        }
        self.all.entry(schema.to_owned()).or_default().insert(name);
    }
}

/// The names in use in one schema of the loader's catalog.
pub(super) struct SchemaNames<'a> {
    loader: &'a Loader,
    schema: &'a str,
}

impl Taken for SchemaNames<'_> {
    fn relation_taken(&self, name: &str) -> bool {
        let c = &self.loader.catalog;
        let q = QualifiedName::new(self.schema, name);
        c.tables.contains_key(&q)
            || c.views.contains_key(&q)
            || c.sequences.contains_key(&q)
            || c.indexes.contains_key(&q)
            || c.composite_types.contains_key(&q)
            || self.loader.with_constraint_names(|n| {
                n.indexed.get(self.schema).is_some_and(|s| s.contains(name))
            })
    }

    fn constraint_taken(&self, name: &str) -> bool {
        self.loader
            .with_constraint_names(|n| n.all.get(self.schema).is_some_and(|s| s.contains(name)))
    }
}
