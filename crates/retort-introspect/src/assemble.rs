//! Turns the rows of the catalog queries into a [`Catalog`].

use std::collections::{BTreeMap, BTreeSet};

use retort_catalog::*;
use tokio_postgres::Row;
use tokio_postgres::types::FromSql;

use crate::query::Query;
use crate::{IntrospectError, Unsupported};

type Result<T> = std::result::Result<T, IntrospectError>;

/// A row together with the name of the query it came from, for error messages.
struct R<'a> {
    query: &'static str,
    row: &'a Row,
}

impl<'a> R<'a> {
    fn get<T: FromSql<'a>>(&self, column: &'static str) -> Result<T> {
        self.row
            .try_get(column)
            .map_err(|e| IntrospectError::Decode {
                query: self.query,
                column,
                detail: e.to_string(),
            })
    }

    fn ident(&self, column: &'static str) -> Result<Ident> {
        Ok(Ident::new(self.get::<String>(column)?))
    }

    fn opt_ident(&self, column: &'static str) -> Result<Option<Ident>> {
        Ok(self.get::<Option<String>>(column)?.map(Ident::new))
    }

    fn idents(&self, column: &'static str) -> Result<Vec<Ident>> {
        Ok(self
            .get::<Vec<String>>(column)?
            .into_iter()
            .map(Ident::new)
            .collect())
    }

    fn qname(&self, schema: &'static str, name: &'static str) -> Result<QualifiedName> {
        Ok(QualifiedName::new(self.ident(schema)?, self.ident(name)?))
    }

    fn opt_qname(&self, schema: &'static str, name: &'static str) -> Result<Option<QualifiedName>> {
        Ok(
            match (
                self.get::<Option<String>>(schema)?,
                self.get::<Option<String>>(name)?,
            ) {
                (Some(s), Some(n)) => Some(QualifiedName::new(s, n)),
                _ => None,
            },
        )
    }

    fn expr(&self, column: &'static str) -> Result<Option<SqlExpr>> {
        Ok(self.get::<Option<String>>(column)?.map(SqlExpr::new))
    }

    fn text(&self, column: &'static str) -> Result<String> {
        self.get::<String>(column)
    }

    fn bad(&self, what: impl std::fmt::Display) -> IntrospectError {
        IntrospectError::Inconsistent(format!("{}: {what}", self.query))
    }
}

struct Rows {
    by_query: BTreeMap<Query, Vec<Row>>,
}

impl Rows {
    fn each<'a>(&'a self, query: Query) -> impl Iterator<Item = R<'a>> + 'a {
        self.by_query
            .get(&query)
            .map(|rows| rows.as_slice())
            .unwrap_or(&[])
            .iter()
            .map(move |row| R {
                query: query.name(),
                row,
            })
    }
}

/// User-defined types by oid, arrays mapped to their element type.
struct UserTypes(BTreeMap<u32, QualifiedName>);

impl UserTypes {
    fn type_ref(&self, sql: String, oid: u32) -> TypeRef {
        TypeRef {
            sql,
            user_type: self.0.get(&oid).cloned(),
        }
    }
}

pub(crate) fn assemble(results: Vec<(Query, Vec<Row>)>) -> Result<(Catalog, Vec<Unsupported>)> {
    let rows = Rows {
        by_query: results.into_iter().collect(),
    };
    let mut types = BTreeMap::new();
    for r in rows.each(Query::UserTypes) {
        types.insert(r.get::<u32>("oid")?, r.qname("schema", "name")?);
    }
    let types = UserTypes(types);

    let mut catalog = Catalog::default();
    schemas(&rows, &mut catalog)?;
    extensions(&rows, &mut catalog)?;
    collations(&rows, &mut catalog)?;
    enums(&rows, &mut catalog)?;
    domains(&rows, &types, &mut catalog)?;
    composite_types(&rows, &types, &mut catalog)?;
    sequences(&rows, &mut catalog)?;
    tables(&rows, &mut catalog)?;
    let view_oids = views(&rows, &mut catalog)?;
    columns(&rows, &types, &mut catalog)?;
    let constraint_indexes = indexes(&rows, &mut catalog)?;
    constraints(&rows, &constraint_indexes, &mut catalog)?;
    let function_oids = functions(&rows, &mut catalog)?;
    dependencies(&rows, &view_oids, &function_oids, &mut catalog)?;
    triggers(&rows, &mut catalog)?;
    policies(&rows, &mut catalog)?;

    let mut unsupported = Vec::new();
    for r in rows.each(Query::Unsupported) {
        unsupported.push(Unsupported {
            kind: r.text("kind")?,
            name: r.text("name")?,
        });
    }
    unsupported.sort();
    Ok((catalog, unsupported))
}

fn schemas(rows: &Rows, catalog: &mut Catalog) -> Result<()> {
    for r in rows.each(Query::Schemas) {
        catalog.insert(Schema {
            name: r.ident("name")?,
            comment: r.get("comment")?,
        });
    }
    Ok(())
}

fn extensions(rows: &Rows, catalog: &mut Catalog) -> Result<()> {
    for r in rows.each(Query::Extensions) {
        catalog.insert(Extension {
            name: r.ident("name")?,
            schema: r.ident("schema")?,
            version: r.text("version")?,
            // plpgsql is built in and not part of the catalog.
            requires: r
                .idents("requires")?
                .into_iter()
                .filter(|name| name.as_str() != "plpgsql")
                .collect(),
            comment: r.get("comment")?,
        });
    }
    Ok(())
}

fn collations(rows: &Rows, catalog: &mut Catalog) -> Result<()> {
    for r in rows.each(Query::Collations) {
        let provider = match r.text("provider")?.as_str() {
            "c" => CollationProvider::Libc,
            "i" => CollationProvider::Icu,
            "b" => CollationProvider::Builtin,
            other => return Err(r.bad(format!("unexpected collation provider {other:?}"))),
        };
        let libc = provider == CollationProvider::Libc;
        catalog.insert(Collation {
            name: r.qname("schema", "name")?,
            provider,
            locale: if libc { None } else { r.get("locale")? },
            lc_collate: if libc { r.get("lc_collate")? } else { None },
            lc_ctype: if libc { r.get("lc_ctype")? } else { None },
            deterministic: r.get("deterministic")?,
            rules: r.get("rules")?,
            comment: r.get("comment")?,
        });
    }
    Ok(())
}

fn enums(rows: &Rows, catalog: &mut Catalog) -> Result<()> {
    for r in rows.each(Query::Enums) {
        catalog.insert(EnumType {
            name: r.qname("schema", "name")?,
            labels: r.get("labels")?,
            comment: r.get("comment")?,
        });
    }
    Ok(())
}

fn domains(rows: &Rows, types: &UserTypes, catalog: &mut Catalog) -> Result<()> {
    for r in rows.each(Query::Domains) {
        catalog.insert(Domain {
            name: r.qname("schema", "name")?,
            base_type: types.type_ref(r.text("base_type")?, r.get("base_type_oid")?),
            collation: r.opt_qname("collation_schema", "collation_name")?,
            default: r.expr("default_expr")?,
            not_null: r.get("not_null")?,
            checks: BTreeMap::new(),
            comment: r.get("comment")?,
        });
    }
    for r in rows.each(Query::DomainChecks) {
        let name = r.qname("schema", "domain")?;
        let domain = catalog
            .domains
            .get_mut(&name)
            .ok_or_else(|| r.bad(format!("check on unknown domain {name}")))?;
        let check = DomainCheck {
            name: r.ident("name")?,
            expression: SqlExpr::new(r.text("expression")?),
            not_valid: r.get("not_valid")?,
            comment: r.get("comment")?,
        };
        domain.checks.insert(check.name.clone(), check);
    }
    Ok(())
}

fn composite_types(rows: &Rows, types: &UserTypes, catalog: &mut Catalog) -> Result<()> {
    for r in rows.each(Query::CompositeTypes) {
        let name = r.qname("schema", "name")?;
        let entry = catalog
            .composite_types
            .entry(name.clone())
            .or_insert_with(|| CompositeType {
                name,
                attributes: Vec::new(),
                comment: None,
            });
        entry.comment = r.get("comment")?;
        if let Some(attribute) = r.opt_ident("attribute")? {
            entry.attributes.push(CompositeAttribute {
                name: attribute,
                data_type: types.type_ref(r.text("data_type")?, r.get("data_type_oid")?),
                collation: r.opt_qname("collation_schema", "collation_name")?,
                comment: r.get("attribute_comment")?,
            });
        }
    }
    Ok(())
}

fn sequence_options(r: &R<'_>, prefix: SeqColumns) -> Result<SequenceOptions> {
    Ok(SequenceOptions {
        data_type: r.text(prefix.data_type)?,
        start: r.get(prefix.start)?,
        increment: r.get(prefix.increment)?,
        min_value: r.get(prefix.min)?,
        max_value: r.get(prefix.max)?,
        cache: r.get(prefix.cache)?,
        cycle: r.get(prefix.cycle)?,
    })
}

/// Column names of sequence options in a query.
#[derive(Clone, Copy)]
struct SeqColumns {
    data_type: &'static str,
    start: &'static str,
    increment: &'static str,
    min: &'static str,
    max: &'static str,
    cache: &'static str,
    cycle: &'static str,
}

const SEQUENCE_COLUMNS: SeqColumns = SeqColumns {
    data_type: "data_type",
    start: "start",
    increment: "increment",
    min: "min_value",
    max: "max_value",
    cache: "cache",
    cycle: "cycle",
};

const IDENTITY_COLUMNS: SeqColumns = SeqColumns {
    data_type: "identity_data_type",
    start: "identity_start",
    increment: "identity_increment",
    min: "identity_min",
    max: "identity_max",
    cache: "identity_cache",
    cycle: "identity_cycle",
};

fn sequences(rows: &Rows, catalog: &mut Catalog) -> Result<()> {
    for r in rows.each(Query::Sequences) {
        let owned_by = match r.opt_qname("owner_schema", "owner_table")? {
            Some(table) => Some(ColumnRef {
                table,
                column: r.ident("owner_column")?,
            }),
            None => None,
        };
        catalog.insert(Sequence {
            name: r.qname("schema", "name")?,
            options: sequence_options(&r, SEQUENCE_COLUMNS)?,
            unlogged: r.get("unlogged")?,
            owned_by,
            comment: r.get("comment")?,
        });
    }
    Ok(())
}

fn tables(rows: &Rows, catalog: &mut Catalog) -> Result<()> {
    for r in rows.each(Query::Tables) {
        let name = r.qname("schema", "name")?;
        let parent_schemas: Vec<String> = r.get("parent_schemas")?;
        let parent_names: Vec<String> = r.get("parent_names")?;
        let parents: Vec<QualifiedName> = parent_schemas
            .into_iter()
            .zip(parent_names)
            .map(|(s, n)| QualifiedName::new(s, n))
            .collect();
        let is_partition: bool = r.get("is_partition")?;
        let partition_of = if is_partition {
            let parent = parents
                .first()
                .cloned()
                .ok_or_else(|| r.bad(format!("partition {name} has no parent")))?;
            let bound: Option<String> = r.get("partition_bound")?;
            Some(PartitionOf {
                parent,
                bound: bound.ok_or_else(|| r.bad(format!("partition {name} has no bound")))?,
            })
        } else {
            None
        };
        let partition_by = match r.get::<Option<String>>("partition_strategy")? {
            Some(strategy) => {
                let strategy = match strategy.as_str() {
                    "r" => PartitionStrategy::Range,
                    "l" => PartitionStrategy::List,
                    "h" => PartitionStrategy::Hash,
                    other => return Err(r.bad(format!("unknown partition strategy {other:?}"))),
                };
                let def: Option<String> = r.get("partition_key")?;
                let def = def.ok_or_else(|| r.bad("partitioned table without a key"))?;
                Some(PartitionKey {
                    strategy,
                    key: partition_key_columns(&def),
                })
            }
            None => None,
        };
        let mut options: Vec<String> = r.get("options")?;
        options.sort();
        let replica_identity = match r.text("replica_identity")?.as_str() {
            "n" => ReplicaIdentity::Nothing,
            "f" => ReplicaIdentity::Full,
            "i" => ReplicaIdentity::Index(
                r.opt_ident("replica_identity_index")?
                    .ok_or_else(|| r.bad(format!("{name}: replica identity index missing")))?,
            ),
            _ => ReplicaIdentity::Default,
        };
        catalog.insert(Table {
            name,
            columns: Vec::new(),
            constraints: BTreeMap::new(),
            partition_by,
            partition_of,
            inherits: if is_partition { Vec::new() } else { parents },
            unlogged: r.get("unlogged")?,
            options,
            row_security: r.get("row_security")?,
            force_row_security: r.get("force_row_security")?,
            replica_identity,
            clustered_on: r.opt_ident("clustered_on")?,
            policies: BTreeMap::new(),
            comment: r.get("comment")?,
        });
    }
    Ok(())
}

/// `pg_get_partkeydef` prints `RANGE (a, b)`: keep what is inside the parentheses.
fn partition_key_columns(def: &str) -> String {
    match (def.find('('), def.rfind(')')) {
        (Some(open), Some(close)) if close > open => def[open + 1..close].to_owned(),
        _ => def.to_owned(),
    }
}

fn views(rows: &Rows, catalog: &mut Catalog) -> Result<BTreeMap<u32, QualifiedName>> {
    let mut oids = BTreeMap::new();
    for r in rows.each(Query::Views) {
        let name = r.qname("schema", "name")?;
        let mut options: Vec<String> = r.get("options")?;
        options.sort();
        oids.insert(r.get::<u32>("oid")?, name.clone());
        catalog.insert(View {
            name,
            materialized: r.get("materialized")?,
            definition: r.text("definition")?,
            options,
            populated: r.get("populated")?,
            depends_on: BTreeSet::new(),
            column_comments: BTreeMap::new(),
            comment: r.get("comment")?,
        });
    }
    Ok(oids)
}

fn columns(rows: &Rows, types: &UserTypes, catalog: &mut Catalog) -> Result<()> {
    let mut by_table: BTreeMap<QualifiedName, Vec<(i16, Column)>> = BTreeMap::new();
    for r in rows.each(Query::Columns) {
        let relation = r.qname("schema", "relation")?;
        let relkind = r.text("relkind")?;
        let comment: Option<String> = r.get("comment")?;
        if relkind == "v" || relkind == "m" {
            if let (Some(view), Some(comment)) = (catalog.views.get_mut(&relation), comment) {
                view.column_comments.insert(r.ident("name")?, comment);
            }
            continue;
        }
        if !catalog.tables.contains_key(&relation) {
            // A table filtered out (e.g. owned by an extension) while its columns were not.
            continue;
        }
        let default: Option<SqlExpr> = r.expr("default_expr")?;
        let generated = match r.text("generated")?.as_str() {
            "" => None,
            kind => Some(Generated {
                kind: match kind {
                    "s" => GeneratedKind::Stored,
                    "v" => GeneratedKind::Virtual,
                    other => return Err(r.bad(format!("unknown attgenerated {other:?}"))),
                },
                expression: default
                    .clone()
                    .ok_or_else(|| r.bad("generated column without expression"))?,
            }),
        };
        let is_partition: bool = r.get("is_partition")?;
        let sequence = r.opt_qname("identity_sequence_schema", "identity_sequence_name")?;
        let identity = match (r.text("identity")?.as_str(), sequence) {
            ("", _) => None,
            // From PostgreSQL 17 a partition shows its parent's identity without a sequence of
            // its own: it is the parent's, and the partition cannot declare it.
            (_, None) if is_partition => None,
            (_, None) => return Err(r.bad("identity column without a sequence")),
            (kind, Some(sequence_name)) => Some(Identity {
                kind: match kind {
                    "a" => IdentityKind::Always,
                    "d" => IdentityKind::ByDefault,
                    other => return Err(r.bad(format!("unknown attidentity {other:?}"))),
                },
                sequence_name,
                options: sequence_options(&r, IDENTITY_COLUMNS)?,
            }),
        };
        let inherit_count: i32 = r.get("inherit_count")?;
        let is_local: bool = r.get("is_local")?;
        let position: i16 = r.get("position")?;
        let columns = by_table.entry(relation).or_default();
        columns.push((
            position,
            Column {
                name: r.ident("name")?,
                data_type: types.type_ref(r.text("data_type")?, r.get("data_type_oid")?),
                not_null: r.get("not_null")?,
                default: if generated.is_some() { None } else { default },
                identity,
                generated,
                collation: r.opt_qname("collation_schema", "collation_name")?,
                storage: match r.get::<Option<String>>("storage")?.as_deref() {
                    None => None,
                    Some("p") => Some(ColumnStorage::Plain),
                    Some("e") => Some(ColumnStorage::External),
                    Some("x") => Some(ColumnStorage::Extended),
                    Some("m") => Some(ColumnStorage::Main),
                    Some(other) => return Err(r.bad(format!("unknown attstorage {other:?}"))),
                },
                compression: r.get("compression")?,
                statistics: r.get("statistics")?,
                inherited: inherit_count > 0 && (is_partition || !is_local),
                comment,
            },
        ));
    }
    for (name, mut columns) in by_table {
        columns.sort_by_key(|(position, _)| *position);
        if let Some(table) = catalog.tables.get_mut(&name) {
            table.columns = columns.into_iter().map(|(_, c)| c).collect();
        }
    }
    Ok(())
}

/// What a constraint needs from the index that implements it.
struct ConstraintIndex {
    elements: Vec<IndexElement>,
    include: Vec<Ident>,
    predicate: Option<SqlExpr>,
    nulls_not_distinct: bool,
    options: Vec<String>,
    method: String,
    comment: Option<String>,
}

fn indexes(rows: &Rows, catalog: &mut Catalog) -> Result<BTreeMap<u32, ConstraintIndex>> {
    let mut backing = BTreeMap::new();
    for r in rows.each(Query::Indexes) {
        let key_count =
            usize::try_from(r.get::<i16>("key_count")?).map_err(|_| r.bad("negative key count"))?;
        let defs: Vec<Option<String>> = r.get("key_defs")?;
        let columns: Vec<Option<String>> = r.get("key_columns")?;
        let coll_schemas: Vec<Option<String>> = r.get("key_collation_schemas")?;
        let coll_names: Vec<Option<String>> = r.get("key_collation_names")?;
        let opc_schemas: Vec<Option<String>> = r.get("key_opclass_schemas")?;
        let opc_names: Vec<Option<String>> = r.get("key_opclass_names")?;
        let descending: Vec<bool> = r.get("key_descending")?;
        let nulls_first: Vec<bool> = r.get("key_nulls_first")?;
        let lengths = [
            defs.len(),
            columns.len(),
            coll_schemas.len(),
            coll_names.len(),
            opc_schemas.len(),
            opc_names.len(),
            descending.len(),
            nulls_first.len(),
        ];
        if lengths.iter().any(|&n| n != key_count) {
            return Err(r.bad("index key arrays of different lengths"));
        }
        let mut elements = Vec::with_capacity(key_count);
        for k in 0..key_count {
            let key = match (&columns[k], &defs[k]) {
                (Some(column), _) => IndexKey::Column(Ident::new(column.clone())),
                (None, Some(def)) => IndexKey::Expression(SqlExpr::new(
                    retort_catalog::text::strip_outer_parens(def),
                )),
                (None, None) => {
                    return Err(r.bad("index key is neither a column nor an expression"));
                }
            };
            let pair = |s: &Option<String>, n: &Option<String>| match (s, n) {
                (Some(s), Some(n)) => Some(QualifiedName::new(s.as_str(), n.as_str())),
                _ => None,
            };
            elements.push(IndexElement {
                key,
                collation: pair(&coll_schemas[k], &coll_names[k]),
                opclass: pair(&opc_schemas[k], &opc_names[k]),
                descending: descending[k],
                nulls_first: nulls_first[k],
            });
        }
        let mut options: Vec<String> = r.get("options")?;
        options.sort();
        let include = r.idents("include")?;
        let predicate = r.expr("predicate")?;
        let nulls_not_distinct: bool = r.get("nulls_not_distinct")?;
        let method = r.text("method")?;
        let comment: Option<String> = r.get("comment")?;
        if r.get::<bool>("backs_constraint")? {
            backing.insert(
                r.get::<u32>("oid")?,
                ConstraintIndex {
                    elements,
                    include,
                    predicate,
                    nulls_not_distinct,
                    options,
                    method,
                    comment,
                },
            );
            continue;
        }
        let schema = r.ident("schema")?;
        catalog.insert(Index {
            name: QualifiedName::new(schema.clone(), r.ident("name")?),
            table: QualifiedName::new(schema, r.ident("table")?),
            unique: r.get("is_unique")?,
            method,
            keys: elements,
            include,
            predicate,
            nulls_not_distinct,
            options,
            only: r.get("only")?,
            comment,
        });
    }
    Ok(backing)
}

fn referential_action(r: &R<'_>, column: &'static str) -> Result<ReferentialAction> {
    Ok(match r.text(column)?.as_str() {
        "a" | " " | "" => ReferentialAction::NoAction,
        "r" => ReferentialAction::Restrict,
        "c" => ReferentialAction::Cascade,
        "n" => ReferentialAction::SetNull,
        "d" => ReferentialAction::SetDefault,
        other => return Err(r.bad(format!("unknown referential action {other:?}"))),
    })
}

fn constraints(
    rows: &Rows,
    backing: &BTreeMap<u32, ConstraintIndex>,
    catalog: &mut Catalog,
) -> Result<()> {
    for r in rows.each(Query::Constraints) {
        let table_name = r.qname("schema", "table")?;
        let name = r.ident("name")?;
        let index_oid: u32 = r.get("index_oid")?;
        let index = || {
            backing
                .get(&index_oid)
                .ok_or_else(|| r.bad(format!("constraint {name} on {table_name} has no index")))
        };
        let kind = match r.text("kind")?.as_str() {
            "p" => {
                let ix = index()?;
                ConstraintKind::PrimaryKey {
                    columns: r.idents("columns")?,
                    include: ix.include.clone(),
                    index_options: ix.options.clone(),
                }
            }
            "u" => {
                let ix = index()?;
                ConstraintKind::Unique {
                    columns: r.idents("columns")?,
                    include: ix.include.clone(),
                    nulls_not_distinct: ix.nulls_not_distinct,
                    index_options: ix.options.clone(),
                }
            }
            "c" => ConstraintKind::Check {
                expression: r
                    .expr("expression")?
                    .ok_or_else(|| r.bad(format!("check {name} without expression")))?,
                no_inherit: r.get("no_inherit")?,
            },
            "f" => ConstraintKind::ForeignKey {
                columns: r.idents("columns")?,
                references: r
                    .opt_qname("ref_schema", "ref_table")?
                    .ok_or_else(|| r.bad(format!("foreign key {name} without a table")))?,
                referenced_columns: r.idents("ref_columns")?,
                match_type: match r.text("match_type")?.as_str() {
                    "f" => MatchType::Full,
                    "p" => MatchType::Partial,
                    _ => MatchType::Simple,
                },
                on_update: referential_action(&r, "on_update")?,
                on_delete: referential_action(&r, "on_delete")?,
                on_delete_columns: r.idents("on_delete_columns")?,
            },
            "x" => {
                let ix = index()?;
                let operators: Vec<String> = r.get("exclusion_operators")?;
                let operator_schemas: Vec<Option<String>> = r.get("exclusion_operator_schemas")?;
                if operators.len() != ix.elements.len()
                    || operator_schemas.len() != ix.elements.len()
                {
                    return Err(r.bad(format!("exclusion constraint {name}: operator count")));
                }
                ConstraintKind::Exclusion {
                    method: ix.method.clone(),
                    elements: ix
                        .elements
                        .iter()
                        .zip(operators.into_iter().zip(operator_schemas))
                        .map(|(key, (operator, schema))| ExclusionElement {
                            key: key.clone(),
                            operator,
                            operator_schema: schema.map(Ident::new),
                        })
                        .collect(),
                    include: ix.include.clone(),
                    predicate: ix.predicate.clone(),
                    index_options: ix.options.clone(),
                }
            }
            other => return Err(r.bad(format!("unexpected constraint type {other:?}"))),
        };
        let index_comment = match kind {
            ConstraintKind::PrimaryKey { .. }
            | ConstraintKind::Unique { .. }
            | ConstraintKind::Exclusion { .. } => index()?.comment.clone(),
            _ => None,
        };
        let constraint = Constraint {
            name: name.clone(),
            index_comment,
            kind,
            deferrable: r.get("deferrable")?,
            initially_deferred: r.get("initially_deferred")?,
            not_valid: r.get("not_valid")?,
            comment: r.get("comment")?,
        };
        if let Some(table) = catalog.tables.get_mut(&table_name) {
            table.constraints.insert(name, constraint);
        }
    }
    Ok(())
}

fn functions(rows: &Rows, catalog: &mut Catalog) -> Result<BTreeMap<u32, FunctionId>> {
    let mut oids = BTreeMap::new();
    for r in rows.each(Query::Functions) {
        let id = FunctionId {
            schema: r.ident("schema")?,
            name: r.ident("name")?,
            arguments: r.text("identity_arguments")?,
        };
        oids.insert(r.get::<u32>("oid")?, id.clone());
        let sql_body: Option<String> = r.get("sql_body")?;
        catalog.insert(Function {
            id,
            kind: match r.text("kind")?.as_str() {
                "f" => FunctionKind::Function,
                "p" => FunctionKind::Procedure,
                "w" => FunctionKind::Window,
                other => return Err(r.bad(format!("unexpected prokind {other:?}"))),
            },
            arguments: r.text("arguments")?,
            returns: r.get("returns")?,
            language: r.ident("language")?,
            sql_body: sql_body.is_some(),
            body: match sql_body {
                Some(body) => body,
                None => r.text("source")?,
            },
            volatility: match r.text("volatility")?.as_str() {
                "i" => Volatility::Immutable,
                "s" => Volatility::Stable,
                _ => Volatility::Volatile,
            },
            strict: r.get("strict")?,
            security_definer: r.get("security_definer")?,
            leakproof: r.get("leakproof")?,
            parallel: match r.text("parallel")?.as_str() {
                "s" => ParallelSafety::Safe,
                "r" => ParallelSafety::Restricted,
                _ => ParallelSafety::Unsafe,
            },
            cost: r.text("cost")?,
            rows: r.text("rows")?,
            config: r.get("config")?,
            depends_on: BTreeSet::new(),
            comment: r.get("comment")?,
        });
    }
    Ok(oids)
}

fn dependencies(
    rows: &Rows,
    views: &BTreeMap<u32, QualifiedName>,
    functions: &BTreeMap<u32, FunctionId>,
    catalog: &mut Catalog,
) -> Result<()> {
    for r in rows.each(Query::Dependencies) {
        let target = match r.text("ref_kind")?.as_str() {
            "relation" => ObjectRef::Relation {
                name: r.qname("ref_schema", "ref_name")?,
            },
            "function" => ObjectRef::Function {
                id: FunctionId {
                    schema: r.ident("ref_schema")?,
                    name: r.ident("ref_name")?,
                    arguments: r
                        .get::<Option<String>>("ref_arguments")?
                        .unwrap_or_default(),
                },
            },
            _ => ObjectRef::Type {
                name: r.qname("ref_schema", "ref_name")?,
            },
        };
        let owner: u32 = r.get("owner_oid")?;
        match r.text("owner_kind")?.as_str() {
            "relation" => {
                if let Some(view) = views.get(&owner).and_then(|n| catalog.views.get_mut(n)) {
                    view.depends_on.insert(target);
                }
            }
            _ => {
                if let Some(function) = functions
                    .get(&owner)
                    .and_then(|id| catalog.functions.get_mut(id))
                {
                    function.depends_on.insert(target);
                }
            }
        }
    }
    Ok(())
}

// pg_trigger.tgtype bits (see catalog/pg_trigger.h).
const TRIGGER_TYPE_ROW: i32 = 1 << 0;
const TRIGGER_TYPE_BEFORE: i32 = 1 << 1;
const TRIGGER_TYPE_INSERT: i32 = 1 << 2;
const TRIGGER_TYPE_DELETE: i32 = 1 << 3;
const TRIGGER_TYPE_UPDATE: i32 = 1 << 4;
const TRIGGER_TYPE_TRUNCATE: i32 = 1 << 5;
const TRIGGER_TYPE_INSTEAD: i32 = 1 << 6;

fn triggers(rows: &Rows, catalog: &mut Catalog) -> Result<()> {
    for r in rows.each(Query::Triggers) {
        let bits: i32 = r.get("type_bits")?;
        let mut events = Vec::new();
        if bits & TRIGGER_TYPE_INSERT != 0 {
            events.push(TriggerEvent::Insert);
        }
        if bits & TRIGGER_TYPE_UPDATE != 0 {
            events.push(TriggerEvent::Update(r.idents("update_columns")?));
        }
        if bits & TRIGGER_TYPE_DELETE != 0 {
            events.push(TriggerEvent::Delete);
        }
        if bits & TRIGGER_TYPE_TRUNCATE != 0 {
            events.push(TriggerEvent::Truncate);
        }
        let timing = if bits & TRIGGER_TYPE_INSTEAD != 0 {
            TriggerTiming::InsteadOf
        } else if bits & TRIGGER_TYPE_BEFORE != 0 {
            TriggerTiming::Before
        } else {
            TriggerTiming::After
        };
        let raw_args: Vec<u8> = r.get("arguments")?;
        let count = usize::try_from(r.get::<i32>("argument_count")?).unwrap_or(0);
        let arguments = split_trigger_arguments(&raw_args, count)
            .ok_or_else(|| r.bad("trigger arguments are not valid text"))?;
        let constraint = if r.get::<bool>("is_constraint")? {
            Some(ConstraintTrigger {
                referenced_table: r.opt_qname("ref_schema", "ref_table")?,
                deferrable: r.get("deferrable")?,
                initially_deferred: r.get("initially_deferred")?,
            })
        } else {
            None
        };
        let definition = r.text("definition")?;
        catalog.insert(Trigger {
            id: TriggerId {
                table: r.qname("schema", "table")?,
                name: r.ident("name")?,
            },
            timing,
            events,
            for_each_row: bits & TRIGGER_TYPE_ROW != 0,
            when: trigger_when(&definition).map(SqlExpr::new),
            function: r.qname("function_schema", "function_name")?,
            arguments,
            old_table: r.opt_ident("old_table")?,
            new_table: r.opt_ident("new_table")?,
            constraint,
            enabled: match r.text("enabled")?.as_str() {
                "D" => TriggerEnabled::Disabled,
                "R" => TriggerEnabled::Replica,
                "A" => TriggerEnabled::Always,
                _ => TriggerEnabled::Origin,
            },
            comment: r.get("comment")?,
        });
    }
    Ok(())
}

/// `tgargs` holds each argument followed by a NUL byte.
fn split_trigger_arguments(raw: &[u8], count: usize) -> Option<Vec<String>> {
    let mut out = Vec::with_capacity(count);
    let mut rest = raw;
    for _ in 0..count {
        let end = rest.iter().position(|&b| b == 0)?;
        out.push(String::from_utf8(rest[..end].to_vec()).ok()?);
        rest = &rest[end + 1..];
    }
    Some(out)
}

/// The condition of `... FOR EACH ROW WHEN (cond) EXECUTE FUNCTION ...` in a trigger definition
/// as `pg_get_triggerdef` prints it (the WHEN clause has no catalog column of its own that
/// `pg_get_expr` can print).
fn trigger_when(definition: &str) -> Option<String> {
    let mut search = 0;
    // The WHEN keyword follows FOR EACH ROW / STATEMENT; find " WHEN (" outside quotes.
    while let Some(pos) = definition[search..].find(" WHEN (") {
        let start = search + pos + " WHEN ".len();
        if outside_quotes(definition, start) {
            let inner = &definition[start..];
            let close = matching_paren(inner)?;
            return Some(inner[1..close].to_owned());
        }
        search = start;
    }
    None
}

/// True when byte offset `at` of `s` is not inside a quoted literal or identifier.
fn outside_quotes(s: &str, at: usize) -> bool {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        if i >= at {
            break;
        }
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None => {}
        }
    }
    quote.is_none()
}

/// Byte offset of the parenthesis closing the one at the start of `s`.
fn matching_paren(s: &str) -> Option<usize> {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            },
        }
    }
    None
}

fn policies(rows: &Rows, catalog: &mut Catalog) -> Result<()> {
    for r in rows.each(Query::Policies) {
        let table_name = r.qname("schema", "table")?;
        let policy = Policy {
            name: r.ident("name")?,
            command: match r.text("command")?.as_str() {
                "r" => PolicyCommand::Select,
                "a" => PolicyCommand::Insert,
                "w" => PolicyCommand::Update,
                "d" => PolicyCommand::Delete,
                _ => PolicyCommand::All,
            },
            permissive: r.get("permissive")?,
            roles: r.idents("roles")?,
            using: r.expr("using_expr")?,
            with_check: r.expr("with_check")?,
            comment: r.get("comment")?,
        };
        if let Some(table) = catalog.tables.get_mut(&table_name) {
            table.policies.insert(policy.name.clone(), policy);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_clause_is_extracted_with_nested_parens_and_quotes() {
        let def = "CREATE TRIGGER t BEFORE UPDATE ON public.x FOR EACH ROW \
                   WHEN ((old.a IS DISTINCT FROM new.a) AND (new.b <> ') EXECUTE FUNCTION f('::text)) \
                   EXECUTE FUNCTION public.f('a')";
        assert_eq!(
            trigger_when(def).as_deref(),
            Some("(old.a IS DISTINCT FROM new.a) AND (new.b <> ') EXECUTE FUNCTION f('::text)")
        );
        let no_when = "CREATE TRIGGER \" WHEN (\" AFTER INSERT ON public.x FOR EACH ROW EXECUTE FUNCTION public.f()";
        assert_eq!(trigger_when(no_when), None);
    }

    #[test]
    fn trigger_arguments_split_on_nul() {
        assert_eq!(
            split_trigger_arguments(b"a\0b c\0\0", 3),
            Some(vec!["a".to_owned(), "b c".to_owned(), String::new()])
        );
        assert_eq!(split_trigger_arguments(b"", 0), Some(vec![]));
        assert_eq!(split_trigger_arguments(b"a\0", 2), None);
    }

    #[test]
    fn partition_key_keeps_the_inside() {
        assert_eq!(partition_key_columns("RANGE (a, lower(b))"), "a, lower(b)");
    }
}
