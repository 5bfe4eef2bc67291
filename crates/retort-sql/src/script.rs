//! A whole catalog as one DDL script.
//!
//! [`render_catalog`] writes the statements that recreate a [`Catalog`] in an empty database, in
//! pg_dump's spirit: objects that others may need come first, dependencies among objects of one
//! kind are sorted ([`crate::order`]), and constraints that could form cycles (foreign keys) are
//! added once every table exists. Functions are created before the tables unless they need a
//! table or view (their signature names a row type, or their SQL-standard body reads one); those
//! are created with the views. A default, check or index expression that calls a function not
//! yet created at its object's place (domains come before all functions, tables before the
//! late ones) is added once that function exists. The output is a function of the catalog alone.
//!
//! The catalog is read as the introspector produces it: objects a partition or inheritance
//! child receives from its parent (cloned constraints, attached partition indexes, cloned
//! triggers) are not listed on the child, and columns the child does not declare itself are
//! marked `inherited`. An index that implements a constraint (it has the constraint's name) is
//! created by the constraint and skipped as an index.

use std::collections::BTreeSet;

use retort_catalog::{Catalog, ConstraintKind, Index, QualifiedName, Table};

use crate::ddl;
use crate::error::RenderError;
use crate::order::{self, LateNode};
use crate::quote::{quote_ident, quote_qualified};

/// Statements grouped as they are printed: a blank line between non-empty groups.
#[derive(Default)]
struct Script {
    groups: Vec<Vec<String>>,
}

impl Script {
    fn group(&mut self, statements: Vec<String>) {
        if !statements.is_empty() {
            self.groups.push(statements);
        }
    }

    fn finish(self) -> String {
        let mut out = String::from(HEADER);
        for group in self.groups {
            out.push('\n');
            for statement in group {
                out.push_str(&statement);
                out.push_str(";\n");
            }
        }
        out
    }
}

const HEADER: &str = "\
-- Schema script produced by `retort inspect`: loaded into an empty database (with psql or as
-- one batch), it recreates the inspected schema.
SET check_function_bodies = false;
SET client_min_messages = warning;
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
";

/// Renders the DDL script that recreates `catalog` in an empty database.
pub fn render_catalog(catalog: &Catalog) -> Result<String, RenderError> {
    let types = order::type_order(catalog)?;
    let tables = order::table_order(catalog)?;
    let routines = order::routine_order(catalog)?;
    let deferred = order::deferred(catalog, &routines);
    // Tables typed by a view's row type are created with the views (step 9); `tables` are
    // all the others, in creation order, and `all_tables` every table in creation order.
    let tables: Vec<&Table> = tables
        .iter()
        .filter(|name| !routines.late_tables.contains(*name))
        .filter_map(|name| catalog.tables.get(name))
        .collect();
    let late_tables: Vec<&Table> = routines
        .late
        .iter()
        .filter_map(|node| match node {
            LateNode::Relation(name) if routines.late_tables.contains(name) => {
                catalog.tables.get(name)
            }
            _ => None,
        })
        .collect();
    let all_tables: Vec<&Table> = tables.iter().chain(&late_tables).copied().collect();
    let mut script = Script::default();

    // 1. Schemas.
    let mut group = Vec::new();
    for schema in catalog.schemas.values() {
        group.push(ddl::create_schema(schema));
        let target = format!("SCHEMA {}", quote_ident(schema.name.as_str()));
        match &schema.comment {
            Some(text) => group.push(ddl::comment(&target, text)),
            // `public` exists in every new database, with a comment of its own: an uncommented
            // public schema must say so.
            None if schema.name.as_str() == "public" => {
                group.push(format!("COMMENT ON {target} IS NULL"))
            }
            None => {}
        }
    }
    script.group(group);

    // 2. Extensions.
    let mut group = Vec::new();
    for name in order::extension_order(catalog)? {
        let Some(extension) = catalog.extensions.get(&name) else {
            continue;
        };
        group.push(ddl::create_extension(extension));
        if let Some(text) = &extension.comment {
            group.push(ddl::comment(
                &format!("EXTENSION {}", quote_ident(extension.name.as_str())),
                text,
            ));
        }
    }
    script.group(group);

    // 2b. Collations: columns, domains and indexes may use them.
    let mut group = Vec::new();
    for collation in catalog.collations.values() {
        group.push(ddl::create_collation(collation));
        if let Some(text) = &collation.comment {
            group.push(ddl::comment(
                &format!("COLLATION {}", quote_qualified(&collation.name)),
                text,
            ));
        }
    }
    script.group(group);

    // 3. Sequences: they depend on nothing but their schema, and defaults of domains and
    //    columns may name them (`nextval('s'::regclass)` is resolved when the default is set).
    script.group(
        catalog
            .sequences
            .values()
            .map(ddl::create_sequence)
            .collect(),
    );

    // 4. Enums, domains and composite types.
    let mut group = Vec::new();
    for name in types.iter().filter(|n| !routines.late_types.contains(*n)) {
        if let Some(e) = catalog.enums.get(name) {
            group.push(ddl::create_enum(e));
        } else if let Some(domain) = catalog.domains.get(name) {
            group.extend(ddl::create_domain(domain, &deferred));
        } else if let Some(composite) = catalog.composite_types.get(name) {
            group.push(ddl::create_composite(composite));
        }
    }
    script.group(group);

    // 5. Functions and procedures that need no table or view.
    let mut group = Vec::new();
    for id in &routines.early {
        if let Some(function) = catalog.functions.get(id) {
            group.push(ddl::create_function(function)?);
        }
    }
    script.group(group);

    // 6. Tables, parents first.
    let mut group = Vec::new();
    for table in &tables {
        let parents = parents_of(catalog, table)?;
        group.extend(ddl::create_table(table, &parents, &deferred));
        group.extend(ddl::column_settings(table));
    }
    script.group(group);

    // 7. Primary keys, unique and exclusion constraints.
    script.group(key_constraints(&tables));

    // 8. Indexes on tables.
    let constraint_indexes = constraint_index_names(catalog);
    let is_view = |name: &QualifiedName| catalog.views.contains_key(name);
    let (late_indexes, table_indexes): (Vec<&Index>, Vec<&Index>) = catalog
        .indexes
        .values()
        .filter(|i| !constraint_indexes.contains(&i.name))
        .partition(|i| {
            is_view(&i.table)
                || routines.late_tables.contains(&i.table)
                || deferred.indexes.contains(&i.name)
        });
    script.group(table_indexes.into_iter().map(ddl::create_index).collect());

    // 9. Views, materialized views, the functions that use tables or views, and the composite
    //    types and tables that need a table's or view's row type; then those tables' keys, and the indexes of those tables,
    //    of materialized views and those calling such functions.
    let mut group = Vec::new();
    for node in &routines.late {
        match node {
            LateNode::Relation(name) => {
                if let Some(view) = catalog.views.get(name) {
                    group.push(ddl::create_view(view));
                } else if let Some(composite) = catalog.composite_types.get(name) {
                    group.push(ddl::create_composite(composite));
                } else if let Some(table) = catalog.tables.get(name) {
                    let parents = parents_of(catalog, table)?;
                    group.extend(ddl::create_table(table, &parents, &deferred));
                    group.extend(ddl::column_settings(table));
                }
            }
            LateNode::Function(id) => {
                if let Some(function) = catalog.functions.get(id) {
                    group.push(ddl::create_function(function)?);
                }
            }
        }
    }
    script.group(group);
    script.group(key_constraints(&late_tables));
    script.group(late_indexes.into_iter().map(ddl::create_index).collect());

    // Sequence ownership, once every table exists.
    script.group(
        catalog
            .sequences
            .values()
            .filter_map(ddl::sequence_owned_by)
            .collect(),
    );

    // 10. What calls functions created only now: domain defaults and checks, column defaults.
    let mut group = Vec::new();
    for name in &types {
        if let Some(domain) = catalog.domains.get(name) {
            group.extend(ddl::domain_deferred(domain, &deferred));
        }
    }
    for table in &all_tables {
        for column in &table.columns {
            if deferred.column_default(&table.name, &column.name) {
                group.extend(ddl::set_column_default(table, column));
            }
        }
    }
    script.group(group);

    // 11. Foreign keys, then checks added NOT VALID or calling functions created in step 9.
    let mut foreign_keys = Vec::new();
    let mut unvalidated_checks = Vec::new();
    for table in &all_tables {
        for constraint in table.constraints.values() {
            match constraint.kind {
                ConstraintKind::ForeignKey { .. } => {
                    foreign_keys.push(ddl::add_constraint(table, constraint));
                }
                ConstraintKind::Check { .. }
                    if constraint.not_valid
                        || deferred.table_check(&table.name, &constraint.name) =>
                {
                    unvalidated_checks.push(ddl::add_constraint(table, constraint));
                }
                _ => {}
            }
        }
    }
    foreign_keys.extend(unvalidated_checks);
    script.group(foreign_keys);

    // 12. Triggers, then their firing states.
    let mut group: Vec<String> = catalog.triggers.values().map(ddl::create_trigger).collect();
    group.extend(catalog.triggers.values().filter_map(ddl::trigger_enabled));
    script.group(group);

    // 13. Replica identity and clustering (they name indexes), row level security, policies.
    let mut group = Vec::new();
    for table in catalog.tables.values() {
        group.extend(ddl::table_index_settings(table));
        group.extend(ddl::enable_row_security(table));
    }
    for table in catalog.tables.values() {
        for policy in table.policies.values() {
            group.push(ddl::create_policy(&table.name, policy));
        }
    }
    script.group(group);

    // 14. Comments.
    script.group(comments(catalog));

    Ok(script.finish())
}

/// `ADD CONSTRAINT` for the primary key, unique and exclusion constraints of `tables`.
fn key_constraints(tables: &[&Table]) -> Vec<String> {
    let mut out = Vec::new();
    for table in tables {
        for constraint in table.constraints.values() {
            if matches!(
                constraint.kind,
                ConstraintKind::PrimaryKey { .. }
                    | ConstraintKind::Unique { .. }
                    | ConstraintKind::Exclusion { .. }
            ) {
                out.push(ddl::add_constraint(table, constraint));
            }
        }
    }
    out
}

/// The partition parent, or the inheritance parents in order.
pub(crate) fn parents_of<'a>(
    catalog: &'a Catalog,
    table: &Table,
) -> Result<Vec<&'a Table>, RenderError> {
    let names: Vec<&QualifiedName> = match &table.partition_of {
        Some(partition_of) => vec![&partition_of.parent],
        None => table.inherits.iter().collect(),
    };
    names
        .into_iter()
        .map(|name| {
            catalog
                .tables
                .get(name)
                .ok_or_else(|| RenderError::MissingParent {
                    table: table.name.to_string(),
                    parent: name.to_string(),
                })
        })
        .collect()
}

/// Names of the indexes that primary key, unique and exclusion constraints create (an index
/// implementing a constraint always has the constraint's name and the table's schema).
fn constraint_index_names(catalog: &Catalog) -> BTreeSet<QualifiedName> {
    catalog
        .tables
        .values()
        .flat_map(|table| {
            table
                .constraints
                .values()
                .filter(|c| {
                    matches!(
                        c.kind,
                        ConstraintKind::PrimaryKey { .. }
                            | ConstraintKind::Unique { .. }
                            | ConstraintKind::Exclusion { .. }
                    )
                })
                .map(|c| QualifiedName::new(table.name.schema.clone(), c.name.clone()))
        })
        .collect()
}

/// `COMMENT ON` for every object that has a comment (schemas and extensions are commented
/// where they are created).
fn comments(catalog: &Catalog) -> Vec<String> {
    let mut out = Vec::new();
    for e in catalog.enums.values() {
        if let Some(text) = &e.comment {
            out.push(ddl::comment(
                &format!("TYPE {}", quote_qualified(&e.name)),
                text,
            ));
        }
    }
    for domain in catalog.domains.values() {
        if let Some(text) = &domain.comment {
            out.push(ddl::comment(
                &format!("DOMAIN {}", quote_qualified(&domain.name)),
                text,
            ));
        }
        for check in domain.checks.values() {
            if let Some(text) = &check.comment {
                out.push(ddl::comment(
                    &ddl::domain_constraint_target(&domain.name, &check.name),
                    text,
                ));
            }
        }
    }
    for composite in catalog.composite_types.values() {
        if let Some(text) = &composite.comment {
            out.push(ddl::comment(
                &format!("TYPE {}", quote_qualified(&composite.name)),
                text,
            ));
        }
        for attribute in &composite.attributes {
            if let Some(text) = &attribute.comment {
                out.push(ddl::comment(
                    &ddl::column_target(&composite.name, &attribute.name),
                    text,
                ));
            }
        }
    }
    for sequence in catalog.sequences.values() {
        if let Some(text) = &sequence.comment {
            out.push(ddl::comment(
                &format!("SEQUENCE {}", quote_qualified(&sequence.name)),
                text,
            ));
        }
    }
    for function in catalog.functions.values() {
        if let Some(text) = &function.comment {
            out.push(ddl::comment(&ddl::function_signature(function), text));
        }
    }
    for table in catalog.tables.values() {
        if let Some(text) = &table.comment {
            out.push(ddl::comment(
                &format!("TABLE {}", quote_qualified(&table.name)),
                text,
            ));
        }
        for column in &table.columns {
            if let Some(text) = &column.comment {
                out.push(ddl::comment(
                    &ddl::column_target(&table.name, &column.name),
                    text,
                ));
            }
        }
        for constraint in table.constraints.values() {
            if let Some(text) = &constraint.comment {
                out.push(ddl::comment(
                    &ddl::constraint_target(&table.name, &constraint.name),
                    text,
                ));
            }
            if let Some(text) = &constraint.index_comment {
                let index = QualifiedName::new(table.name.schema.clone(), constraint.name.clone());
                out.push(ddl::comment(
                    &format!("INDEX {}", quote_qualified(&index)),
                    text,
                ));
            }
        }
        for policy in table.policies.values() {
            if let Some(text) = &policy.comment {
                out.push(ddl::comment(&ddl::policy_target(&table.name, policy), text));
            }
        }
    }
    for index in catalog.indexes.values() {
        if let Some(text) = &index.comment {
            out.push(ddl::comment(&ddl::index_target(index), text));
        }
    }
    for view in catalog.views.values() {
        if let Some(text) = &view.comment {
            let kind = if view.materialized {
                "MATERIALIZED VIEW"
            } else {
                "VIEW"
            };
            out.push(ddl::comment(
                &format!("{kind} {}", quote_qualified(&view.name)),
                text,
            ));
        }
        for (column, text) in &view.column_comments {
            out.push(ddl::comment(&ddl::column_target(&view.name, column), text));
        }
    }
    for trigger in catalog.triggers.values() {
        if let Some(text) = &trigger.comment {
            out.push(ddl::comment(&ddl::trigger_target(trigger), text));
        }
    }
    out
}
