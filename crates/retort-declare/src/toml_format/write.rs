//! A catalog to TOML text: one array-of-tables entry per object, in catalog order, with every
//! key that holds its default left out. The output is deterministic, and [`super::read`] reads
//! it back into exactly the catalog it was written from.

use retort_catalog::*;
use toml::Spanned;

use super::format::*;
use super::names::*;

/// Writing can fail only if the TOML serializer refuses a value.
#[derive(Debug, thiserror::Error)]
#[error("cannot write TOML: {0}")]
pub struct WriteError(#[from] toml::ser::Error);

/// The catalog as a TOML schema file.
pub fn write(catalog: &Catalog) -> Result<String, WriteError> {
    let doc = toml::Table::try_from(to_doc(catalog))?;
    let mut out = String::new();
    for (kind, entries) in &doc {
        for entry in entries.as_array().into_iter().flatten() {
            if let Some(table) = entry.as_table() {
                emit_table(&mut out, kind, table, true);
            }
        }
    }
    Ok(out)
}

/// Keys whose arrays of tables are written as `[[parent.key]]` sections; every other value is
/// written inline, so references stay on one line (`table = { schema = "s", name = "t" }`).
const SECTION_ARRAYS: &[&str] = &[
    "column",
    "attribute",
    "check",
    "unique",
    "foreign_key",
    "exclude",
    "policy",
];

/// Tables written as `[parent.key]` sections.
const SECTION_TABLES: &[&str] = &["primary_key"];

/// One entry: `[[path]]` (or `[path]`), its plain keys, then its nested sections.
fn emit_table(out: &mut String, path: &str, table: &toml::Table, array: bool) {
    if !out.is_empty() {
        out.push('\n');
    }
    let (open, close) = if array { ("[[", "]]") } else { ("[", "]") };
    out.push_str(&format!("{open}{path}{close}\n"));
    let mut sections = Vec::new();
    for (key, value) in table {
        match value {
            toml::Value::Array(items) if SECTION_ARRAYS.contains(&key.as_str()) => {
                sections.extend(
                    items
                        .iter()
                        .filter_map(|i| Some((key, i.as_table()?, true))),
                );
            }
            toml::Value::Table(t) if SECTION_TABLES.contains(&key.as_str()) => {
                sections.push((key, t, false));
            }
            _ => out.push_str(&format!("{key} = {value}\n")),
        }
    }
    for (key, section, array) in sections {
        emit_table(out, &format!("{path}.{key}"), section, array);
    }
}

/// The catalog as the file format's structs.
pub fn to_doc(catalog: &Catalog) -> SchemaDoc {
    let (materialized, plain): (Vec<&View>, Vec<&View>) =
        catalog.views.values().partition(|v| v.materialized);
    let (procedures, functions): (Vec<&Function>, Vec<&Function>) = catalog
        .functions
        .values()
        .partition(|f| f.kind == FunctionKind::Procedure);
    SchemaDoc {
        schemas: catalog.schemas.values().map(schema).collect(),
        extensions: catalog.extensions.values().map(extension).collect(),
        collations: catalog.collations.values().map(collation).collect(),
        enums: catalog.enums.values().map(enum_type).collect(),
        domains: catalog.domains.values().map(domain).collect(),
        composites: catalog.composite_types.values().map(composite).collect(),
        sequences: catalog.sequences.values().map(sequence).collect(),
        tables: catalog.tables.values().map(table).collect(),
        indexes: catalog.indexes.values().map(index).collect(),
        views: plain.into_iter().map(view).collect(),
        materialized_views: materialized.into_iter().map(view).collect(),
        functions: functions.into_iter().map(function).collect(),
        procedures: procedures.into_iter().map(function).collect(),
        triggers: catalog.triggers.values().map(trigger).collect(),
    }
}

fn name(ident: &Ident) -> Name {
    Spanned::new(0..0, ident.as_str().to_owned())
}

fn reference(name: &QualifiedName) -> Ref {
    Spanned::new(0..0, from_qualified(name))
}

fn strings(idents: &[Ident]) -> Vec<String> {
    idents.iter().map(|i| i.as_str().to_owned()).collect()
}

fn user_type(ty: &TypeRef) -> Option<UserTypeDef> {
    if implied_user_type(&ty.sql) == ty.user_type {
        return None;
    }
    Some(match &ty.user_type {
        Some(q) => UserTypeDef::Type(from_qualified(q)),
        None => UserTypeDef::None(false),
    })
}

fn schema(s: &Schema) -> SchemaDef {
    SchemaDef {
        name: name(&s.name),
        comment: s.comment.clone(),
    }
}

fn extension(e: &Extension) -> ExtensionDef {
    ExtensionDef {
        name: name(&e.name),
        schema: schema_key(&e.schema),
        version: (!e.version.is_empty()).then(|| e.version.clone()),
        requires: strings(&e.requires),
        comment: e.comment.clone(),
    }
}

fn collation(c: &Collation) -> CollationDef {
    CollationDef {
        name: name(&c.name.name),
        schema: schema_key(&c.name.schema),
        provider: match c.provider {
            CollationProvider::Libc => Provider::Libc,
            CollationProvider::Icu => Provider::Icu,
            CollationProvider::Builtin => Provider::Builtin,
        },
        locale: c.locale.clone(),
        lc_collate: c.lc_collate.clone(),
        lc_ctype: c.lc_ctype.clone(),
        deterministic: (!c.deterministic).then_some(false),
        rules: c.rules.clone(),
        comment: c.comment.clone(),
    }
}

fn enum_type(e: &EnumType) -> EnumDef {
    EnumDef {
        renamed_from: None,
        renamed_values: Default::default(),
        name: name(&e.name.name),
        schema: schema_key(&e.name.schema),
        values: e.labels.clone(),
        comment: e.comment.clone(),
    }
}

fn domain(d: &Domain) -> DomainDef {
    DomainDef {
        renamed_from: None,
        name: name(&d.name.name),
        schema: schema_key(&d.name.schema),
        data_type: d.base_type.sql.clone(),
        user_type: user_type(&d.base_type),
        collation: d.collation.as_ref().map(from_qualified),
        default: d.default.as_ref().map(|e| e.0.clone()),
        not_null: d.not_null,
        check: d
            .checks
            .values()
            .map(|c| DomainCheckDef {
                name: name(&c.name),
                expression: c.expression.0.clone(),
                not_valid: c.not_valid,
                comment: c.comment.clone(),
            })
            .collect(),
        comment: d.comment.clone(),
    }
}

fn composite(c: &CompositeType) -> CompositeDef {
    CompositeDef {
        renamed_from: None,
        name: name(&c.name.name),
        schema: schema_key(&c.name.schema),
        comment: c.comment.clone(),
        attribute: c
            .attributes
            .iter()
            .map(|a| AttributeDef {
                name: name(&a.name),
                data_type: a.data_type.sql.clone(),
                user_type: user_type(&a.data_type),
                collation: a.collation.as_ref().map(from_qualified),
                comment: a.comment.clone(),
            })
            .collect(),
    }
}

fn sequence(s: &Sequence) -> SequenceDef {
    sequence_keys!(SequenceDef {
        renamed_from: None,
        name: name(&s.name.name),
        schema: schema_key(&s.name.schema),
        unlogged: s.unlogged,
        owned_by: s.owned_by.as_ref().map(|o| OwnedByDef {
            table: reference(&o.table),
            column: o.column.as_str().to_owned(),
        }),
        comment: s.comment.clone(),
    } with sequence_options_def(&s.options, "bigint"))
}

fn table(t: &Table) -> TableDef {
    let mut def = TableDef {
        renamed_from: None,
        name: name(&t.name.name),
        schema: schema_key(&t.name.schema),
        comment: t.comment.clone(),
        unlogged: t.unlogged,
        inherits: t.inherits.iter().map(reference).collect(),
        partition_by: t.partition_by.as_ref().map(|p| PartitionByDef {
            strategy: match p.strategy {
                PartitionStrategy::Range => Strategy::Range,
                PartitionStrategy::List => Strategy::List,
                PartitionStrategy::Hash => Strategy::Hash,
            },
            key: p.key.clone(),
        }),
        partition_of: t.partition_of.as_ref().map(|p| PartitionOfDef {
            parent: reference(&p.parent),
            bound: p.bound.clone(),
        }),
        options: t.options.clone(),
        row_security: t.row_security,
        force_row_security: t.force_row_security,
        replica_identity: replica_identity(&t.replica_identity),
        clustered_on: t.clustered_on.as_ref().map(|i| i.as_str().to_owned()),
        column: t.columns.iter().map(|c| column(&t.name, c)).collect(),
        primary_key: None,
        unique: Vec::new(),
        check: Vec::new(),
        foreign_key: Vec::new(),
        exclude: Vec::new(),
        policy: t.policies.values().map(policy).collect(),
    };
    for c in t.constraints.values() {
        constraint(&mut def, &t.name, c);
    }
    def
}

fn replica_identity(r: &ReplicaIdentity) -> Option<ReplicaIdentityDef> {
    match r {
        ReplicaIdentity::Default => None,
        ReplicaIdentity::Nothing => Some(ReplicaIdentityDef::Simple(ReplicaIdentityKind::Nothing)),
        ReplicaIdentity::Full => Some(ReplicaIdentityDef::Simple(ReplicaIdentityKind::Full)),
        ReplicaIdentity::Index(i) => Some(ReplicaIdentityDef::Index(ReplicaIndexDef {
            index: i.as_str().to_owned(),
        })),
    }
}

fn column(table: &QualifiedName, c: &Column) -> ColumnDef {
    ColumnDef {
        renamed_from: None,
        name: name(&c.name),
        data_type: c.data_type.sql.clone(),
        user_type: user_type(&c.data_type),
        not_null: c.not_null,
        default: c.default.as_ref().map(|e| e.0.clone()),
        identity: c.identity.as_ref().map(|i| identity(table, c, i)),
        generated: c.generated.as_ref().map(|g| match g.kind {
            GeneratedKind::Stored => GeneratedDef::Stored(g.expression.0.clone()),
            GeneratedKind::Virtual => GeneratedDef::Full(GeneratedFullDef {
                expression: g.expression.0.clone(),
                kind: GeneratedKindDef::Virtual,
            }),
        }),
        collation: c.collation.as_ref().map(from_qualified),
        storage: c.storage.map(|s| match s {
            ColumnStorage::Plain => StorageDef::Plain,
            ColumnStorage::External => StorageDef::External,
            ColumnStorage::Extended => StorageDef::Extended,
            ColumnStorage::Main => StorageDef::Main,
        }),
        compression: c.compression.clone(),
        statistics: c.statistics,
        inherited: c.inherited,
        comment: c.comment.clone(),
    }
}

fn identity(table: &QualifiedName, c: &Column, i: &Identity) -> IdentityDef {
    let kind = match i.kind {
        IdentityKind::Always => IdentityKindDef::Always,
        IdentityKind::ByDefault => IdentityKindDef::ByDefault,
    };
    let options = sequence_options_def(&i.options, identity_default_type(&c.data_type.sql));
    let sequence = (i.sequence_name != default_identity_sequence(table, &c.name))
        .then(|| from_qualified(&i.sequence_name));
    if sequence.is_none() && options == SequenceOptionsDef::default() {
        return IdentityDef::Kind(kind);
    }
    IdentityDef::Full(
        sequence_keys!(IdentityFullDef { kind: kind, sequence: sequence } with options),
    )
}

/// Builds a constraint's format struct with the keys every constraint has.
macro_rules! with_common {
    ($c:expr, $ty:ident { $($field:ident : $value:expr),* $(,)? }) => {
        $ty {
            $($field: $value,)*
            deferrable: $c.deferrable,
            initially_deferred: $c.initially_deferred,
            not_valid: $c.not_valid,
            comment: $c.comment.clone(),
            index_comment: $c.index_comment.clone(),
        }
    };
}

fn constraint(def: &mut TableDef, table: &QualifiedName, c: &Constraint) {
    match &c.kind {
        ConstraintKind::PrimaryKey {
            columns,
            include,
            index_options,
        } => {
            def.primary_key = Some(with_common!(
                c,
                PrimaryKeyDef {
                    renamed_from: None,
                    name: (c.name != default_primary_key_name(table)).then(|| name(&c.name)),
                    columns: strings(columns),
                    include: strings(include),
                    index_options: index_options.clone(),
                }
            ));
        }
        ConstraintKind::Unique {
            columns,
            include,
            nulls_not_distinct,
            index_options,
        } => def.unique.push(with_common!(
            c,
            UniqueDef {
                renamed_from: None,
                name: name(&c.name),
                columns: strings(columns),
                include: strings(include),
                nulls_not_distinct: *nulls_not_distinct,
                index_options: index_options.clone(),
            }
        )),
        ConstraintKind::Check {
            expression,
            no_inherit,
        } => def.check.push(with_common!(
            c,
            CheckDef {
                renamed_from: None,
                name: name(&c.name),
                expression: expression.0.clone(),
                no_inherit: *no_inherit,
            }
        )),
        ConstraintKind::ForeignKey {
            columns,
            references,
            referenced_columns,
            match_type,
            on_update,
            on_delete,
            on_delete_columns,
        } => def.foreign_key.push(with_common!(
            c,
            ForeignKeyDef {
                renamed_from: None,
                name: name(&c.name),
                columns: strings(columns),
                references: reference(references),
                referenced_columns: strings(referenced_columns),
                match_type: match match_type {
                    MatchType::Simple => None,
                    MatchType::Full => Some(MatchDef::Full),
                    MatchType::Partial => Some(MatchDef::Partial),
                },
                on_update: action(*on_update),
                on_delete: action(*on_delete),
                on_delete_columns: strings(on_delete_columns),
            }
        )),
        ConstraintKind::Exclusion {
            method,
            elements,
            include,
            predicate,
            index_options,
        } => def.exclude.push(with_common!(
            c,
            ExcludeDef {
                renamed_from: None,
                name: name(&c.name),
                method: (method != "gist").then(|| method.clone()),
                elements: elements
                    .iter()
                    .map(|e| KeyDef {
                        operator: Some(e.operator.clone()),
                        operator_schema: e.operator_schema.as_ref().map(|s| s.as_str().to_owned()),
                        ..key(&e.key)
                    })
                    .collect(),
                include: strings(include),
                predicate: predicate.as_ref().map(|p| p.0.clone()),
                index_options: index_options.clone(),
            }
        )),
    }
}

fn action(a: ReferentialAction) -> Option<ActionDef> {
    match a {
        ReferentialAction::NoAction => None,
        ReferentialAction::Restrict => Some(ActionDef::Restrict),
        ReferentialAction::Cascade => Some(ActionDef::Cascade),
        ReferentialAction::SetNull => Some(ActionDef::SetNull),
        ReferentialAction::SetDefault => Some(ActionDef::SetDefault),
    }
}

fn key(e: &IndexElement) -> KeyDef {
    let (column, expression) = match &e.key {
        IndexKey::Column(c) => (Some(c.as_str().to_owned()), None),
        IndexKey::Expression(x) => (None, Some(x.0.clone())),
    };
    KeyDef {
        column,
        expression,
        collation: e.collation.as_ref().map(from_qualified),
        opclass: e.opclass.as_ref().map(from_qualified),
        descending: e.descending,
        nulls_first: (e.nulls_first != e.descending).then_some(e.nulls_first),
        operator: None,
        operator_schema: None,
    }
}

fn policy(p: &Policy) -> PolicyDef {
    PolicyDef {
        name: name(&p.name),
        command: match p.command {
            PolicyCommand::All => None,
            PolicyCommand::Select => Some(CommandDef::Select),
            PolicyCommand::Insert => Some(CommandDef::Insert),
            PolicyCommand::Update => Some(CommandDef::Update),
            PolicyCommand::Delete => Some(CommandDef::Delete),
        },
        permissive: (!p.permissive).then_some(false),
        roles: (p.roles != [Ident::new(PUBLIC)]).then(|| strings(&p.roles)),
        using: p.using.as_ref().map(|e| e.0.clone()),
        with_check: p.with_check.as_ref().map(|e| e.0.clone()),
        comment: p.comment.clone(),
    }
}

fn index(i: &Index) -> IndexDef {
    IndexDef {
        renamed_from: None,
        name: name(&i.name.name),
        // The reader takes the table's schema; written only if it ever differs.
        schema: (i.name.schema != i.table.schema).then(|| i.name.schema.as_str().to_owned()),
        table: reference(&i.table),
        unique: i.unique,
        method: (i.method != "btree").then(|| i.method.clone()),
        keys: i.keys.iter().map(key).collect(),
        include: strings(&i.include),
        predicate: i.predicate.as_ref().map(|p| p.0.clone()),
        nulls_not_distinct: i.nulls_not_distinct,
        options: i.options.clone(),
        only: i.only,
        comment: i.comment.clone(),
    }
}

fn dependency(d: &ObjectRef) -> DependencyDef {
    match d {
        ObjectRef::Relation { name } => DependencyDef::Relation(from_qualified(name)),
        ObjectRef::Type { name } => DependencyDef::Type(from_qualified(name)),
        ObjectRef::Function { id } => DependencyDef::Function(FunctionRefDef {
            schema: schema_key(&id.schema),
            name: id.name.as_str().to_owned(),
            arguments: id.arguments.clone(),
        }),
    }
}

fn view(v: &View) -> ViewDef {
    ViewDef {
        renamed_from: None,
        name: name(&v.name.name),
        schema: schema_key(&v.name.schema),
        query: v.definition.clone(),
        options: v.options.clone(),
        populated: (!v.populated).then_some(false),
        column_comments: v
            .column_comments
            .iter()
            .map(|(k, c)| (k.as_str().to_owned(), c.clone()))
            .collect(),
        depends_on: v.depends_on.iter().map(dependency).collect(),
        comment: v.comment.clone(),
    }
}

fn function(f: &Function) -> FunctionDef {
    FunctionDef {
        name: name(&f.id.name),
        schema: schema_key(&f.id.schema),
        arguments: f.arguments.clone(),
        identity_arguments: (f.id.arguments != f.arguments).then(|| f.id.arguments.clone()),
        returns: f.returns.clone(),
        language: f.language.as_str().to_owned(),
        window: f.kind == FunctionKind::Window,
        volatility: match f.volatility {
            Volatility::Volatile => None,
            Volatility::Stable => Some(VolatilityDef::Stable),
            Volatility::Immutable => Some(VolatilityDef::Immutable),
        },
        strict: f.strict,
        security_definer: f.security_definer,
        leakproof: f.leakproof,
        parallel: match f.parallel {
            ParallelSafety::Unsafe => None,
            ParallelSafety::Restricted => Some(ParallelDef::Restricted),
            ParallelSafety::Safe => Some(ParallelDef::Safe),
        },
        cost: (f.cost != default_cost(f.language.as_str())).then(|| f.cost.clone()),
        rows: (f.rows != "0").then(|| f.rows.clone()),
        set: f.config.clone(),
        depends_on: f.depends_on.iter().map(dependency).collect(),
        comment: f.comment.clone(),
        sql_body: f.sql_body,
        body: f.body.clone(),
    }
}

/// PostgreSQL's default `COST`: 1 for C and internal functions, 100 for the others.
pub(super) fn default_cost(language: &str) -> &'static str {
    match language {
        "c" | "internal" => "1",
        _ => "100",
    }
}

fn trigger(t: &Trigger) -> TriggerDef {
    let mut update_of = Vec::new();
    let events = t
        .events
        .iter()
        .map(|e| match e {
            TriggerEvent::Insert => EventDef::Insert,
            TriggerEvent::Update(columns) => {
                update_of = strings(columns);
                EventDef::Update
            }
            TriggerEvent::Delete => EventDef::Delete,
            TriggerEvent::Truncate => EventDef::Truncate,
        })
        .collect();
    TriggerDef {
        name: name(&t.id.name),
        table: reference(&t.id.table),
        timing: match t.timing {
            TriggerTiming::Before => TimingDef::Before,
            TriggerTiming::After => TimingDef::After,
            TriggerTiming::InsteadOf => TimingDef::InsteadOf,
        },
        events,
        update_of,
        for_each: t.for_each_row.then_some(ForEachDef::Row),
        when: t.when.as_ref().map(|w| w.0.clone()),
        function: from_qualified(&t.function),
        arguments: t.arguments.clone(),
        old_table: t.old_table.as_ref().map(|i| i.as_str().to_owned()),
        new_table: t.new_table.as_ref().map(|i| i.as_str().to_owned()),
        constraint: t.constraint.as_ref().map(|c| ConstraintTriggerDef {
            referenced_table: c.referenced_table.as_ref().map(from_qualified),
            deferrable: c.deferrable,
            initially_deferred: c.initially_deferred,
        }),
        enabled: match t.enabled {
            TriggerEnabled::Origin => None,
            TriggerEnabled::Disabled => Some(EnabledDef::Disabled),
            TriggerEnabled::Replica => Some(EnabledDef::Replica),
            TriggerEnabled::Always => Some(EnabledDef::Always),
        },
        comment: t.comment.clone(),
    }
}
