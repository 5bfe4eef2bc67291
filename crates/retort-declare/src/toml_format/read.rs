//! TOML text to a catalog. Every error is a [`SourceError`] that points into the TOML file:
//! syntax errors and unknown keys at the place the TOML parser reports, duplicate objects at
//! the second name, unknown references at the reference.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use retort_catalog::*;

use super::format::*;
use super::names::*;
use super::write::default_cost;
use crate::error::SourceError;
use crate::files::{FileKind, SchemaFile};

/// Reads one TOML schema file.
pub fn read(file: &SchemaFile) -> Result<Catalog, SourceError> {
    read_files(std::slice::from_ref(file))
}

/// Reads one TOML text; `file` is how errors name it.
pub fn read_str(file: &str, text: &str) -> Result<Catalog, SourceError> {
    let mut catalog = Catalog::default();
    let mut refs = Vec::new();
    Reader::new(file, Arc::from(text), &mut catalog, &mut refs).read()?;
    check_references(&catalog, &refs)?;
    Ok(catalog)
}

/// Reads every TOML file of `files` (others are skipped) into one catalog. An object declared
/// twice is an error, also across files; references may point into any of the files.
pub fn read_files(files: &[SchemaFile]) -> Result<Catalog, SourceError> {
    let mut catalog = Catalog::default();
    let mut refs = Vec::new();
    for file in files.iter().filter(|f| f.kind == FileKind::Toml) {
        Reader::new(&file.display, file.text.clone(), &mut catalog, &mut refs).read()?;
    }
    check_references(&catalog, &refs)?;
    Ok(catalog)
}

/// A reference to a table (or view), checked once every file is read.
struct PendingRef {
    error: SourceError,
    target: QualifiedName,
    views_too: bool,
}

fn check_references(catalog: &Catalog, refs: &[PendingRef]) -> Result<(), SourceError> {
    for r in refs {
        let found = catalog.tables.contains_key(&r.target)
            || (r.views_too && catalog.views.contains_key(&r.target));
        if !found {
            return Err(r.error.clone());
        }
    }
    Ok(())
}

struct Reader<'a> {
    file: &'a str,
    text: Arc<str>,
    catalog: &'a mut Catalog,
    refs: &'a mut Vec<PendingRef>,
}

type Result<T, E = SourceError> = std::result::Result<T, E>;

fn idents(names: &[String]) -> Vec<Ident> {
    names.iter().map(|n| Ident::new(n.as_str())).collect()
}

fn expr(text: &Option<String>) -> Option<SqlExpr> {
    text.as_ref().map(|t| SqlExpr::new(t.as_str()))
}

fn type_ref(sql: &str, user_type: &Option<UserTypeDef>) -> TypeRef {
    TypeRef {
        sql: sql.to_owned(),
        user_type: match user_type {
            None => implied_user_type(sql),
            Some(UserTypeDef::None(_)) => None,
            Some(UserTypeDef::Type(t)) => Some(to_qualified(t)),
        },
    }
}

fn qualified(schema: &Option<String>, name: &Name) -> QualifiedName {
    QualifiedName::new(schema_or_public(schema.as_deref()), name.get_ref().as_str())
}

impl<'a> Reader<'a> {
    fn new(
        file: &'a str,
        text: Arc<str>,
        catalog: &'a mut Catalog,
        refs: &'a mut Vec<PendingRef>,
    ) -> Self {
        Reader {
            file,
            text,
            catalog,
            refs,
        }
    }

    fn error(&self, span: Range<usize>, message: impl Into<String>) -> SourceError {
        SourceError::new(self.file, self.text.clone(), span, message)
    }

    fn parse(&self) -> Result<SchemaDoc> {
        toml::from_str(&self.text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            self.error(span, e.message().trim_end().to_owned())
        })
    }

    fn read(mut self) -> Result<()> {
        let doc = self.parse()?;
        for d in &doc.schemas {
            self.schema(d)?;
        }
        for d in &doc.extensions {
            self.extension(d)?;
        }
        for d in &doc.collations {
            self.collation(d)?;
        }
        for d in &doc.enums {
            self.enum_type(d)?;
        }
        for d in &doc.domains {
            self.domain(d)?;
        }
        for d in &doc.composites {
            self.composite(d)?;
        }
        for d in &doc.sequences {
            self.sequence(d)?;
        }
        for d in &doc.tables {
            self.table(d)?;
        }
        for d in &doc.indexes {
            self.index(d)?;
        }
        for d in &doc.views {
            self.view(d, false)?;
        }
        for d in &doc.materialized_views {
            self.view(d, true)?;
        }
        for d in &doc.functions {
            self.function(d, false)?;
        }
        for d in &doc.procedures {
            self.function(d, true)?;
        }
        for d in &doc.triggers {
            self.trigger(d)?;
        }
        Ok(())
    }

    /// Inserts an object, refusing a second one with the same key.
    fn insert<T: CatalogMember>(
        &mut self,
        object: T,
        span: Range<usize>,
        what: &str,
    ) -> Result<()> {
        let key = object.key();
        if T::map_mut(self.catalog).contains_key(&key) {
            return Err(self.error(span, format!("{what} is declared twice")));
        }
        self.catalog.insert(object);
        Ok(())
    }

    /// Records a reference to a table (or, with `views_too`, a view) to check at the end.
    fn reference(&mut self, r: &Ref, views_too: bool, what: &str, object: &str) -> QualifiedName {
        let target = to_qualified(r.get_ref());
        let kind = if views_too { "table or view" } else { "table" };
        let error = self
            .error(r.span(), format!("{what}: no {kind} {target} is declared"))
            .with_object(object.to_owned());
        self.refs.push(PendingRef {
            error,
            target: target.clone(),
            views_too,
        });
        target
    }

    fn schema(&mut self, d: &SchemaDef) -> Result<()> {
        let object = Schema {
            name: Ident::new(d.name.get_ref().as_str()),
            comment: d.comment.clone(),
        };
        let what = format!("schema {}", object.name);
        self.insert(object, d.name.span(), &what)
    }

    fn extension(&mut self, d: &ExtensionDef) -> Result<()> {
        let object = Extension {
            name: Ident::new(d.name.get_ref().as_str()),
            schema: schema_or_public(d.schema.as_deref()),
            version: d.version.clone().unwrap_or_default(),
            requires: idents(&d.requires),
            comment: d.comment.clone(),
        };
        let what = format!("extension {}", object.name);
        self.insert(object, d.name.span(), &what)
    }

    fn collation(&mut self, d: &CollationDef) -> Result<()> {
        let object = Collation {
            name: qualified(&d.schema, &d.name),
            provider: match d.provider {
                Provider::Libc => CollationProvider::Libc,
                Provider::Icu => CollationProvider::Icu,
                Provider::Builtin => CollationProvider::Builtin,
            },
            locale: d.locale.clone(),
            lc_collate: d.lc_collate.clone(),
            lc_ctype: d.lc_ctype.clone(),
            deterministic: d.deterministic.unwrap_or(true),
            rules: d.rules.clone(),
            comment: d.comment.clone(),
        };
        let what = format!("collation {}", object.name);
        self.insert(object, d.name.span(), &what)
    }

    fn enum_type(&mut self, d: &EnumDef) -> Result<()> {
        let object = EnumType {
            name: qualified(&d.schema, &d.name),
            labels: d.values.clone(),
            comment: d.comment.clone(),
        };
        let what = format!("enum {}", object.name);
        self.insert(object, d.name.span(), &what)
    }

    fn domain(&mut self, d: &DomainDef) -> Result<()> {
        let name = qualified(&d.schema, &d.name);
        let mut checks = BTreeMap::new();
        for c in &d.check {
            let check = DomainCheck {
                name: Ident::new(c.name.get_ref().as_str()),
                expression: SqlExpr::new(c.expression.as_str()),
                not_valid: c.not_valid,
                comment: c.comment.clone(),
            };
            if checks.insert(check.name.clone(), check).is_some() {
                let message = format!("check {} is declared twice", c.name.get_ref());
                return Err(self
                    .error(c.name.span(), message)
                    .with_object(format!("domain {name}")));
            }
        }
        let object = Domain {
            name,
            base_type: type_ref(&d.data_type, &d.user_type),
            collation: d.collation.as_ref().map(to_qualified),
            default: expr(&d.default),
            not_null: d.not_null,
            checks,
            comment: d.comment.clone(),
        };
        let what = format!("domain {}", object.name);
        self.insert(object, d.name.span(), &what)
    }

    fn composite(&mut self, d: &CompositeDef) -> Result<()> {
        let object = CompositeType {
            name: qualified(&d.schema, &d.name),
            attributes: d
                .attribute
                .iter()
                .map(|a| CompositeAttribute {
                    name: Ident::new(a.name.get_ref().as_str()),
                    data_type: type_ref(&a.data_type, &a.user_type),
                    collation: a.collation.as_ref().map(to_qualified),
                    comment: a.comment.clone(),
                })
                .collect(),
            comment: d.comment.clone(),
        };
        let what = format!("composite type {}", object.name);
        self.insert(object, d.name.span(), &what)
    }

    fn sequence(&mut self, d: &SequenceDef) -> Result<()> {
        let name = qualified(&d.schema, &d.name);
        let object_name = format!("sequence {name}");
        let owned_by = d.owned_by.as_ref().map(|o| ColumnRef {
            table: self.reference(&o.table, false, "owned_by", &object_name),
            column: Ident::new(o.column.as_str()),
        });
        let object = Sequence {
            name,
            options: sequence_options(&sequence_keys!(from d), "bigint"),
            unlogged: d.unlogged,
            owned_by,
            comment: d.comment.clone(),
        };
        let what = format!("sequence {}", object.name);
        self.insert(object, d.name.span(), &what)
    }
}

/// The keys every constraint has, from any constraint's format struct.
macro_rules! constraint {
    ($d:expr, $name:expr, $kind:expr) => {
        Constraint {
            name: $name,
            kind: $kind,
            deferrable: $d.deferrable,
            initially_deferred: $d.initially_deferred,
            not_valid: $d.not_valid,
            comment: $d.comment.clone(),
            index_comment: $d.index_comment.clone(),
        }
    };
}

fn ident(name: &Name) -> Ident {
    Ident::new(name.get_ref().as_str())
}

impl Reader<'_> {
    fn table(&mut self, d: &TableDef) -> Result<()> {
        let name = qualified(&d.schema, &d.name);
        let object = format!("table {name}");
        let inherits = d
            .inherits
            .iter()
            .map(|r| self.reference(r, false, "inherits", &object))
            .collect();
        let partition_of = d.partition_of.as_ref().map(|p| PartitionOf {
            parent: self.reference(&p.parent, false, "partition_of", &object),
            bound: p.bound.clone(),
        });
        let columns = self.columns(&name, &d.column)?;
        let mut table = Table {
            name: name.clone(),
            columns,
            constraints: BTreeMap::new(),
            partition_by: d.partition_by.as_ref().map(|p| PartitionKey {
                strategy: match p.strategy {
                    Strategy::Range => PartitionStrategy::Range,
                    Strategy::List => PartitionStrategy::List,
                    Strategy::Hash => PartitionStrategy::Hash,
                },
                key: p.key.clone(),
            }),
            partition_of,
            inherits,
            unlogged: d.unlogged,
            options: d.options.clone(),
            row_security: d.row_security,
            force_row_security: d.force_row_security,
            replica_identity: replica_identity(&d.replica_identity),
            clustered_on: d.clustered_on.as_deref().map(Ident::new),
            policies: BTreeMap::new(),
            comment: d.comment.clone(),
        };
        self.constraints(d, &mut table, &object)?;
        self.policies(d, &mut table, &object)?;
        self.insert(table, d.name.span(), &object)
    }

    fn columns(&self, table: &QualifiedName, defs: &[ColumnDef]) -> Result<Vec<Column>> {
        let mut columns: Vec<Column> = Vec::with_capacity(defs.len());
        for c in defs {
            let name = ident(&c.name);
            if columns.iter().any(|x| x.name == name) {
                return Err(self
                    .error(c.name.span(), format!("column {name} is declared twice"))
                    .with_object(format!("table {table}")));
            }
            columns.push(column(table, name, c));
        }
        Ok(columns)
    }

    fn add_constraint(
        &self,
        table: &mut Table,
        constraint: Constraint,
        span: Range<usize>,
        object: &str,
    ) -> Result<()> {
        let name = constraint.name.clone();
        if let Some(missing) =
            constraint_columns(&constraint.kind).find(|c| table.column(c.as_str()).is_none())
        {
            let message = format!("constraint {name}: the table has no column {missing}");
            return Err(self.error(span, message).with_object(object.to_owned()));
        }
        if table.constraints.insert(name.clone(), constraint).is_some() {
            return Err(self
                .error(span, format!("constraint {name} is declared twice"))
                .with_object(object.to_owned()));
        }
        Ok(())
    }

    fn constraints(&mut self, d: &TableDef, table: &mut Table, object: &str) -> Result<()> {
        if let Some(pk) = &d.primary_key {
            let (name, span) = match &pk.name {
                Some(n) => (ident(n), n.span()),
                None => (default_primary_key_name(&table.name), d.name.span()),
            };
            let kind = ConstraintKind::PrimaryKey {
                columns: idents(&pk.columns),
                include: idents(&pk.include),
                index_options: pk.index_options.clone(),
            };
            self.add_constraint(table, constraint!(pk, name, kind), span, object)?;
        }
        for u in &d.unique {
            let kind = ConstraintKind::Unique {
                columns: idents(&u.columns),
                include: idents(&u.include),
                nulls_not_distinct: u.nulls_not_distinct,
                index_options: u.index_options.clone(),
            };
            self.add_constraint(
                table,
                constraint!(u, ident(&u.name), kind),
                u.name.span(),
                object,
            )?;
        }
        for c in &d.check {
            let kind = ConstraintKind::Check {
                expression: SqlExpr::new(c.expression.as_str()),
                no_inherit: c.no_inherit,
            };
            self.add_constraint(
                table,
                constraint!(c, ident(&c.name), kind),
                c.name.span(),
                object,
            )?;
        }
        for f in &d.foreign_key {
            let kind = self.foreign_key(f, object);
            self.add_constraint(
                table,
                constraint!(f, ident(&f.name), kind),
                f.name.span(),
                object,
            )?;
        }
        for x in &d.exclude {
            let kind = self.exclusion(x, object)?;
            self.add_constraint(
                table,
                constraint!(x, ident(&x.name), kind),
                x.name.span(),
                object,
            )?;
        }
        Ok(())
    }

    fn foreign_key(&mut self, f: &ForeignKeyDef, object: &str) -> ConstraintKind {
        let what = format!("foreign key {}", f.name.get_ref());
        ConstraintKind::ForeignKey {
            columns: idents(&f.columns),
            references: self.reference(&f.references, false, &what, object),
            referenced_columns: idents(&f.referenced_columns),
            match_type: match f.match_type {
                None | Some(MatchDef::Simple) => MatchType::Simple,
                Some(MatchDef::Full) => MatchType::Full,
                Some(MatchDef::Partial) => MatchType::Partial,
            },
            on_update: action(f.on_update),
            on_delete: action(f.on_delete),
            on_delete_columns: idents(&f.on_delete_columns),
        }
    }

    fn exclusion(&self, x: &ExcludeDef, object: &str) -> Result<ConstraintKind> {
        let mut elements = Vec::with_capacity(x.elements.len());
        for e in &x.elements {
            let in_object = || format!("{object}, exclusion constraint {}", x.name.get_ref());
            let key = self.key(e, x.name.span(), &in_object)?;
            let operator = e.operator.clone().ok_or_else(|| {
                self.error(
                    x.name.span(),
                    "every element of an exclusion constraint needs an `operator`",
                )
                .with_object(in_object())
            })?;
            elements.push(ExclusionElement {
                key,
                operator,
                operator_schema: e.operator_schema.as_deref().map(Ident::new),
            });
        }
        Ok(ConstraintKind::Exclusion {
            method: x.method.clone().unwrap_or_else(|| "gist".to_owned()),
            elements,
            include: idents(&x.include),
            predicate: expr(&x.predicate),
            index_options: x.index_options.clone(),
        })
    }

    /// One index or exclusion key: exactly one of `column` and `expression`.
    fn key(
        &self,
        e: &KeyDef,
        span: Range<usize>,
        object: &dyn Fn() -> String,
    ) -> Result<IndexElement> {
        let key = match (&e.column, &e.expression) {
            (Some(c), None) => IndexKey::Column(Ident::new(c.as_str())),
            (None, Some(x)) => IndexKey::Expression(SqlExpr::new(x.as_str())),
            _ => {
                let message = "a key needs exactly one of `column` and `expression`";
                return Err(self.error(span, message).with_object(object()));
            }
        };
        Ok(IndexElement {
            key,
            collation: e.collation.as_ref().map(to_qualified),
            opclass: e.opclass.as_ref().map(to_qualified),
            descending: e.descending,
            nulls_first: e.nulls_first.unwrap_or(e.descending),
        })
    }

    fn policies(&self, d: &TableDef, table: &mut Table, object: &str) -> Result<()> {
        for p in &d.policy {
            let policy = Policy {
                name: ident(&p.name),
                command: match p.command {
                    None | Some(CommandDef::All) => PolicyCommand::All,
                    Some(CommandDef::Select) => PolicyCommand::Select,
                    Some(CommandDef::Insert) => PolicyCommand::Insert,
                    Some(CommandDef::Update) => PolicyCommand::Update,
                    Some(CommandDef::Delete) => PolicyCommand::Delete,
                },
                permissive: p.permissive.unwrap_or(true),
                roles: p
                    .roles
                    .as_ref()
                    .map_or_else(|| vec![Ident::new(PUBLIC)], |r| idents(r)),
                using: expr(&p.using),
                with_check: expr(&p.with_check),
                comment: p.comment.clone(),
            };
            if table.policies.insert(policy.name.clone(), policy).is_some() {
                let message = format!("policy {} is declared twice", p.name.get_ref());
                return Err(self
                    .error(p.name.span(), message)
                    .with_object(object.to_owned()));
            }
        }
        Ok(())
    }

    fn index(&mut self, d: &IndexDef) -> Result<()> {
        // An index lives in its table's schema.
        let table_schema = to_qualified(d.table.get_ref()).schema;
        let name = QualifiedName::new(
            d.schema.as_deref().map_or(table_schema.clone(), Ident::new),
            ident(&d.name),
        );
        let object = format!("index {name}");
        if name.schema != table_schema {
            let message = format!("an index is in its table's schema ({table_schema})");
            return Err(self.error(d.name.span(), message).with_object(object));
        }
        let table = self.reference(&d.table, true, "table", &object);
        let mut keys = Vec::with_capacity(d.keys.len());
        for k in &d.keys {
            keys.push(self.key(k, d.name.span(), &|| object.clone())?);
        }
        let index = Index {
            name,
            table,
            unique: d.unique,
            method: d.method.clone().unwrap_or_else(|| "btree".to_owned()),
            keys,
            include: idents(&d.include),
            predicate: expr(&d.predicate),
            nulls_not_distinct: d.nulls_not_distinct,
            options: d.options.clone(),
            only: d.only,
            comment: d.comment.clone(),
        };
        self.insert(index, d.name.span(), &object)
    }

    fn view(&mut self, d: &ViewDef, materialized: bool) -> Result<()> {
        let name = qualified(&d.schema, &d.name);
        let kind = if materialized {
            "materialized view"
        } else {
            "view"
        };
        let object = format!("{kind} {name}");
        if !materialized && d.populated.is_some() {
            let message = "`populated` is for materialized views only";
            return Err(self.error(d.name.span(), message).with_object(object));
        }
        let view = View {
            name,
            materialized,
            definition: d.query.clone(),
            options: d.options.clone(),
            populated: d.populated.unwrap_or(true),
            depends_on: d.depends_on.iter().map(dependency).collect(),
            column_comments: d
                .column_comments
                .iter()
                .map(|(k, v)| (Ident::new(k.as_str()), v.clone()))
                .collect(),
            comment: d.comment.clone(),
        };
        self.insert(view, d.name.span(), &object)
    }

    fn function(&mut self, d: &FunctionDef, procedure: bool) -> Result<()> {
        let kind = match (procedure, d.window) {
            (true, false) => FunctionKind::Procedure,
            (false, false) => FunctionKind::Function,
            (false, true) => FunctionKind::Window,
            (true, true) => {
                return Err(self.error(d.name.span(), "a procedure cannot be a window function"));
            }
        };
        let id = FunctionId {
            schema: schema_or_public(d.schema.as_deref()),
            name: ident(&d.name),
            arguments: d
                .identity_arguments
                .clone()
                .unwrap_or_else(|| d.arguments.clone()),
        };
        let what = if procedure { "procedure" } else { "function" };
        let object = format!("{what} {id}");
        let function = Function {
            id,
            kind,
            arguments: d.arguments.clone(),
            returns: d.returns.clone(),
            language: Ident::new(d.language.as_str()),
            body: d.body.clone(),
            sql_body: d.sql_body,
            volatility: match d.volatility {
                None | Some(VolatilityDef::Volatile) => Volatility::Volatile,
                Some(VolatilityDef::Stable) => Volatility::Stable,
                Some(VolatilityDef::Immutable) => Volatility::Immutable,
            },
            strict: d.strict,
            security_definer: d.security_definer,
            leakproof: d.leakproof,
            parallel: match d.parallel {
                None | Some(ParallelDef::Unsafe) => ParallelSafety::Unsafe,
                Some(ParallelDef::Restricted) => ParallelSafety::Restricted,
                Some(ParallelDef::Safe) => ParallelSafety::Safe,
            },
            cost: d
                .cost
                .clone()
                .unwrap_or_else(|| default_cost(&d.language).to_owned()),
            rows: d.rows.clone().unwrap_or_else(|| "0".to_owned()),
            config: d.set.clone(),
            depends_on: d.depends_on.iter().map(dependency).collect(),
            comment: d.comment.clone(),
        };
        self.insert(function, d.name.span(), &object)
    }

    fn trigger(&mut self, d: &TriggerDef) -> Result<()> {
        let table_name = to_qualified(d.table.get_ref());
        let object = format!("trigger {} on {table_name}", d.name.get_ref());
        let table = self.reference(&d.table, true, "table", &object);
        if !d.update_of.is_empty() && !d.events.contains(&EventDef::Update) {
            let message = "`update_of` needs the `update` event";
            return Err(self.error(d.name.span(), message).with_object(object));
        }
        let trigger = Trigger {
            id: TriggerId {
                table,
                name: ident(&d.name),
            },
            timing: match d.timing {
                TimingDef::Before => TriggerTiming::Before,
                TimingDef::After => TriggerTiming::After,
                TimingDef::InsteadOf => TriggerTiming::InsteadOf,
            },
            events: d
                .events
                .iter()
                .map(|e| match e {
                    EventDef::Insert => TriggerEvent::Insert,
                    EventDef::Update => TriggerEvent::Update(idents(&d.update_of)),
                    EventDef::Delete => TriggerEvent::Delete,
                    EventDef::Truncate => TriggerEvent::Truncate,
                })
                .collect(),
            for_each_row: d.for_each == Some(ForEachDef::Row),
            when: expr(&d.when),
            function: to_qualified(&d.function),
            arguments: d.arguments.clone(),
            old_table: d.old_table.as_deref().map(Ident::new),
            new_table: d.new_table.as_deref().map(Ident::new),
            constraint: d.constraint.as_ref().map(|c| ConstraintTrigger {
                referenced_table: c.referenced_table.as_ref().map(to_qualified),
                deferrable: c.deferrable,
                initially_deferred: c.initially_deferred,
            }),
            enabled: match d.enabled {
                None | Some(EnabledDef::Origin) => TriggerEnabled::Origin,
                Some(EnabledDef::Disabled) => TriggerEnabled::Disabled,
                Some(EnabledDef::Replica) => TriggerEnabled::Replica,
                Some(EnabledDef::Always) => TriggerEnabled::Always,
            },
            comment: d.comment.clone(),
        };
        self.insert(trigger, d.name.span(), &object)
    }
}

/// The columns of its own table a constraint names.
fn constraint_columns(kind: &ConstraintKind) -> Box<dyn Iterator<Item = &Ident> + '_> {
    match kind {
        ConstraintKind::PrimaryKey {
            columns, include, ..
        }
        | ConstraintKind::Unique {
            columns, include, ..
        } => Box::new(columns.iter().chain(include)),
        ConstraintKind::ForeignKey {
            columns,
            on_delete_columns,
            ..
        } => Box::new(columns.iter().chain(on_delete_columns)),
        ConstraintKind::Exclusion {
            elements, include, ..
        } => Box::new(
            elements
                .iter()
                .filter_map(|e| match &e.key.key {
                    IndexKey::Column(c) => Some(c),
                    IndexKey::Expression(_) => None,
                })
                .chain(include),
        ),
        ConstraintKind::Check { .. } => Box::new(std::iter::empty()),
    }
}

fn column(table: &QualifiedName, name: Ident, c: &ColumnDef) -> Column {
    let data_type = type_ref(&c.data_type, &c.user_type);
    let identity = c
        .identity
        .as_ref()
        .map(|i| identity(table, &name, &data_type, i));
    Column {
        name,
        data_type,
        not_null: c.not_null,
        default: expr(&c.default),
        identity,
        generated: c.generated.as_ref().map(|g| match g {
            GeneratedDef::Stored(x) => Generated {
                kind: GeneratedKind::Stored,
                expression: SqlExpr::new(x.as_str()),
            },
            GeneratedDef::Full(f) => Generated {
                kind: match f.kind {
                    GeneratedKindDef::Stored => GeneratedKind::Stored,
                    GeneratedKindDef::Virtual => GeneratedKind::Virtual,
                },
                expression: SqlExpr::new(f.expression.as_str()),
            },
        }),
        collation: c.collation.as_ref().map(to_qualified),
        storage: c.storage.map(|s| match s {
            StorageDef::Plain => ColumnStorage::Plain,
            StorageDef::External => ColumnStorage::External,
            StorageDef::Extended => ColumnStorage::Extended,
            StorageDef::Main => ColumnStorage::Main,
        }),
        compression: c.compression.clone(),
        statistics: c.statistics,
        inherited: c.inherited,
        comment: c.comment.clone(),
    }
}

fn identity(table: &QualifiedName, column: &Ident, ty: &TypeRef, d: &IdentityDef) -> Identity {
    let (kind, sequence, options) = match d {
        IdentityDef::Kind(kind) => (*kind, None, SequenceOptionsDef::default()),
        IdentityDef::Full(f) => (f.kind, f.sequence.as_ref(), sequence_keys!(from f)),
    };
    Identity {
        kind: match kind {
            IdentityKindDef::Always => IdentityKind::Always,
            IdentityKindDef::ByDefault => IdentityKind::ByDefault,
        },
        sequence_name: sequence
            .map_or_else(|| default_identity_sequence(table, column), to_qualified),
        options: sequence_options(&options, identity_default_type(&ty.sql)),
    }
}

fn replica_identity(d: &Option<ReplicaIdentityDef>) -> ReplicaIdentity {
    match d {
        None | Some(ReplicaIdentityDef::Simple(ReplicaIdentityKind::Default)) => {
            ReplicaIdentity::Default
        }
        Some(ReplicaIdentityDef::Simple(ReplicaIdentityKind::Nothing)) => ReplicaIdentity::Nothing,
        Some(ReplicaIdentityDef::Simple(ReplicaIdentityKind::Full)) => ReplicaIdentity::Full,
        Some(ReplicaIdentityDef::Index(i)) => ReplicaIdentity::Index(Ident::new(i.index.as_str())),
    }
}

fn action(a: Option<ActionDef>) -> ReferentialAction {
    match a {
        None | Some(ActionDef::NoAction) => ReferentialAction::NoAction,
        Some(ActionDef::Restrict) => ReferentialAction::Restrict,
        Some(ActionDef::Cascade) => ReferentialAction::Cascade,
        Some(ActionDef::SetNull) => ReferentialAction::SetNull,
        Some(ActionDef::SetDefault) => ReferentialAction::SetDefault,
    }
}

fn dependency(d: &DependencyDef) -> ObjectRef {
    match d {
        DependencyDef::Relation(n) => ObjectRef::Relation {
            name: to_qualified(n),
        },
        DependencyDef::Type(n) => ObjectRef::Type {
            name: to_qualified(n),
        },
        DependencyDef::Function(f) => ObjectRef::Function {
            id: FunctionId {
                schema: schema_or_public(f.schema.as_deref()),
                name: Ident::new(f.name.as_str()),
                arguments: f.arguments.clone(),
            },
        },
    }
}
