//! Statement builders for migrations: creating, dropping, renaming and altering one object of a
//! catalog at a time. The planner decides what and in which order; this module only writes the
//! SQL, so every name and literal of a migration is quoted here.

use retort_catalog::{
    Catalog, Column, ColumnStorage, CompositeAttribute, Constraint, ConstraintKind, Domain,
    DomainCheck, EnumType, Extension, Function, FunctionKind, Ident, Identity, IdentityKind, Index,
    ObjectId, Policy, QualifiedName, ReplicaIdentity, Sequence, SequenceOptions, SqlExpr, Table,
    Trigger, TypeRef, View,
};

use crate::ddl;
use crate::error::RenderError;
use crate::order::Deferred;
use crate::quote::{quote_ident, quote_literal, quote_qualified};

fn ident(name: &Ident) -> String {
    quote_ident(name.as_str())
}

/// How a reviewer reads an object's name: `table public."Order Items"`.
pub fn describe(id: &ObjectId) -> String {
    let q = quote_qualified;
    match id {
        ObjectId::Schema { name } | ObjectId::Extension { name } => {
            format!("{} {}", id.kind(), ident(name))
        }
        ObjectId::Collation { name }
        | ObjectId::Enum { name }
        | ObjectId::Domain { name }
        | ObjectId::CompositeType { name }
        | ObjectId::Sequence { name }
        | ObjectId::Table { name }
        | ObjectId::Index { name }
        | ObjectId::View { name } => format!("{} {}", id.kind(), q(name)),
        ObjectId::Function { id: f } => format!(
            "function {}.{}({})",
            ident(&f.schema),
            ident(&f.name),
            f.arguments
        ),
        ObjectId::Column { table, column } => format!("column {}.{}", q(table), ident(column)),
        ObjectId::Constraint { table, constraint } => {
            format!("constraint {} on {}", ident(constraint), q(table))
        }
        ObjectId::Trigger { id: t } => format!("trigger {} on {}", ident(&t.name), q(&t.table)),
        ObjectId::Policy { table, policy } => {
            format!("policy {} on {}", ident(policy), q(table))
        }
    }
}

/// A missing object: the planner asked for something the catalog does not have.
fn missing(id: &ObjectId) -> RenderError {
    RenderError::MissingObject {
        object: describe(id),
    }
}

// ---------------------------------------------------------------------------------------------
// Comments

/// `COMMENT ON <target> IS '...'` or `IS NULL`.
pub fn comment_on(target: &str, text: Option<&str>) -> String {
    match text {
        Some(text) => ddl::comment(target, text),
        None => format!("COMMENT ON {target} IS NULL"),
    }
}

/// The `COMMENT ON` target of an object (`TABLE public.t`, `COLUMN public.t.c`).
pub fn comment_target(catalog: &Catalog, id: &ObjectId) -> Result<String, RenderError> {
    let q = quote_qualified;
    Ok(match id {
        ObjectId::Schema { name } => format!("SCHEMA {}", ident(name)),
        ObjectId::Extension { name } => format!("EXTENSION {}", ident(name)),
        ObjectId::Collation { name } => format!("COLLATION {}", q(name)),
        ObjectId::Enum { name } | ObjectId::CompositeType { name } => format!("TYPE {}", q(name)),
        ObjectId::Domain { name } => format!("DOMAIN {}", q(name)),
        ObjectId::Sequence { name } => format!("SEQUENCE {}", q(name)),
        ObjectId::Table { name } => format!("TABLE {}", q(name)),
        ObjectId::Column { table, column } => ddl::column_target(table, column),
        ObjectId::Constraint { table, constraint } => ddl::constraint_target(table, constraint),
        ObjectId::Index { name } => format!("INDEX {}", q(name)),
        ObjectId::View { name } => {
            let view = catalog.views.get(name).ok_or_else(|| missing(id))?;
            format!("{} {}", view_keyword(view), q(name))
        }
        ObjectId::Function { id: f } => {
            let function = catalog.functions.get(f).ok_or_else(|| missing(id))?;
            ddl::function_signature(function)
        }
        ObjectId::Trigger { id: t } => {
            format!("TRIGGER {} ON {}", ident(&t.name), q(&t.table))
        }
        ObjectId::Policy { table, policy } => {
            format!("POLICY {} ON {}", ident(policy), q(table))
        }
    })
}

fn view_keyword(view: &View) -> &'static str {
    if view.materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    }
}

// ---------------------------------------------------------------------------------------------
// Create

/// The statements that create one object of `catalog` on its own, with its comments and
/// settings. A table is created with its columns and valid checks (its other constraints,
/// policies, indexes and triggers are objects of their own); the `REPLICA IDENTITY` and
/// `CLUSTER ON` of a table come from [`table_index_settings`].
pub fn create(catalog: &Catalog, id: &ObjectId) -> Result<Vec<String>, RenderError> {
    let none = Deferred::default();
    let mut out = Vec::new();
    let comment = |out: &mut Vec<String>, text: &Option<String>| -> Result<(), RenderError> {
        if let Some(text) = text {
            out.push(ddl::comment(&comment_target(catalog, id)?, text));
        }
        Ok(())
    };
    match id {
        ObjectId::Schema { name } => {
            let schema = catalog.schemas.get(name).ok_or_else(|| missing(id))?;
            out.push(format!("CREATE SCHEMA {}", ident(name)));
            comment(&mut out, &schema.comment)?;
        }
        ObjectId::Extension { name } => {
            let extension = catalog.extensions.get(name).ok_or_else(|| missing(id))?;
            out.push(format!(
                "CREATE EXTENSION {} WITH SCHEMA {} VERSION {}",
                ident(&extension.name),
                ident(&extension.schema),
                quote_literal(&extension.version)
            ));
            comment(&mut out, &extension.comment)?;
        }
        ObjectId::Collation { name } => {
            let collation = catalog.collations.get(name).ok_or_else(|| missing(id))?;
            out.push(ddl::create_collation(collation));
            comment(&mut out, &collation.comment)?;
        }
        ObjectId::Enum { name } => {
            let e = catalog.enums.get(name).ok_or_else(|| missing(id))?;
            out.push(ddl::create_enum(e));
            comment(&mut out, &e.comment)?;
        }
        ObjectId::Domain { name } => {
            let domain = catalog.domains.get(name).ok_or_else(|| missing(id))?;
            out.extend(ddl::create_domain(domain, &none));
            comment(&mut out, &domain.comment)?;
            for check in domain.checks.values() {
                if let Some(text) = &check.comment {
                    out.push(ddl::comment(
                        &ddl::domain_constraint_target(&domain.name, &check.name),
                        text,
                    ));
                }
            }
        }
        ObjectId::CompositeType { name } => {
            let composite = catalog
                .composite_types
                .get(name)
                .ok_or_else(|| missing(id))?;
            out.push(ddl::create_composite(composite));
            comment(&mut out, &composite.comment)?;
            for attribute in &composite.attributes {
                if let Some(text) = &attribute.comment {
                    out.push(ddl::comment(
                        &ddl::column_target(&composite.name, &attribute.name),
                        text,
                    ));
                }
            }
        }
        ObjectId::Sequence { name } => {
            let sequence = catalog.sequences.get(name).ok_or_else(|| missing(id))?;
            out.push(ddl::create_sequence(sequence));
            comment(&mut out, &sequence.comment)?;
        }
        ObjectId::Function { id: f } => {
            let function = catalog.functions.get(f).ok_or_else(|| missing(id))?;
            out.push(ddl::create_function(function)?);
            comment(&mut out, &function.comment)?;
        }
        ObjectId::Table { name } => {
            let table = catalog.tables.get(name).ok_or_else(|| missing(id))?;
            let parents = crate::script::parents_of(catalog, table)?;
            out.extend(ddl::create_table(table, &parents, &none));
            out.extend(ddl::column_settings(table));
            out.extend(ddl::enable_row_security(table));
            comment(&mut out, &table.comment)?;
            for column in &table.columns {
                if let Some(text) = &column.comment {
                    out.push(ddl::comment(
                        &ddl::column_target(&table.name, &column.name),
                        text,
                    ));
                }
            }
            for constraint in table.constraints.values() {
                if is_inline_check(constraint) {
                    out.extend(constraint_comments(table, constraint));
                }
            }
        }
        ObjectId::Column { table, column } => {
            let t = catalog.tables.get(table).ok_or_else(|| missing(id))?;
            let c = t.column(column.as_str()).ok_or_else(|| missing(id))?;
            out.push(add_column(t, c));
            out.extend(column_settings(t, c));
            if let Some(text) = &c.comment {
                out.push(ddl::comment(&ddl::column_target(table, column), text));
            }
        }
        ObjectId::Constraint { table, constraint } => {
            let t = catalog.tables.get(table).ok_or_else(|| missing(id))?;
            let c = t.constraints.get(constraint).ok_or_else(|| missing(id))?;
            out.push(ddl::add_constraint(t, c));
            out.extend(constraint_comments(t, c));
        }
        ObjectId::Index { name } => {
            let index = catalog.indexes.get(name).ok_or_else(|| missing(id))?;
            out.push(ddl::create_index(index));
            comment(&mut out, &index.comment)?;
        }
        ObjectId::View { name } => {
            let view = catalog.views.get(name).ok_or_else(|| missing(id))?;
            out.push(ddl::create_view(view));
            comment(&mut out, &view.comment)?;
            for (column, text) in &view.column_comments {
                out.push(ddl::comment(&ddl::column_target(&view.name, column), text));
            }
        }
        ObjectId::Trigger { id: t } => {
            let trigger = catalog.triggers.get(t).ok_or_else(|| missing(id))?;
            out.push(ddl::create_trigger(trigger));
            out.extend(ddl::trigger_enabled(trigger));
            comment(&mut out, &trigger.comment)?;
        }
        ObjectId::Policy { table, policy } => {
            let t = catalog.tables.get(table).ok_or_else(|| missing(id))?;
            let p = t.policies.get(policy).ok_or_else(|| missing(id))?;
            out.push(ddl::create_policy(table, p));
            if let Some(text) = &p.comment {
                out.push(ddl::comment(&ddl::policy_target(table, p), text));
            }
        }
    }
    Ok(out)
}

/// A check constraint that `CREATE TABLE` declares itself (valid checks).
pub fn is_inline_check(constraint: &Constraint) -> bool {
    matches!(constraint.kind, ConstraintKind::Check { .. }) && !constraint.not_valid
}

fn constraint_comments(table: &Table, constraint: &Constraint) -> Vec<String> {
    let mut out = Vec::new();
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
    out
}

/// `REPLICA IDENTITY` and `CLUSTER ON` of a table (they name indexes).
pub fn table_index_settings(table: &Table) -> Vec<String> {
    ddl::table_index_settings(table)
}

// ---------------------------------------------------------------------------------------------
// Drop

/// The statement that drops one object of `catalog` (never `CASCADE`: the planner drops what
/// depends on it first).
pub fn drop(catalog: &Catalog, id: &ObjectId) -> Result<String, RenderError> {
    let q = quote_qualified;
    Ok(match id {
        ObjectId::Schema { name } => format!("DROP SCHEMA {}", ident(name)),
        ObjectId::Extension { name } => format!("DROP EXTENSION {}", ident(name)),
        ObjectId::Collation { name } => format!("DROP COLLATION {}", q(name)),
        ObjectId::Enum { name } | ObjectId::CompositeType { name } => {
            format!("DROP TYPE {}", q(name))
        }
        ObjectId::Domain { name } => format!("DROP DOMAIN {}", q(name)),
        ObjectId::Sequence { name } => format!("DROP SEQUENCE {}", q(name)),
        ObjectId::Table { name } => format!("DROP TABLE {}", q(name)),
        ObjectId::Column { table, column } => {
            format!("ALTER TABLE {} DROP COLUMN {}", q(table), ident(column))
        }
        ObjectId::Constraint { table, constraint } => {
            format!(
                "ALTER TABLE {} DROP CONSTRAINT {}",
                q(table),
                ident(constraint)
            )
        }
        ObjectId::Index { name } => format!("DROP INDEX {}", q(name)),
        ObjectId::View { name } => {
            let view = catalog.views.get(name).ok_or_else(|| missing(id))?;
            format!("DROP {} {}", view_keyword(view), q(name))
        }
        ObjectId::Function { id: f } => {
            let function = catalog.functions.get(f).ok_or_else(|| missing(id))?;
            format!("DROP {}", ddl::function_signature(function))
        }
        ObjectId::Trigger { id: t } => {
            format!("DROP TRIGGER {} ON {}", ident(&t.name), q(&t.table))
        }
        ObjectId::Policy { table, policy } => {
            format!("DROP POLICY {} ON {}", ident(policy), q(table))
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Rename

/// `CREATE INDEX CONCURRENTLY` of the index `name` of `catalog`, with its comment: builds the
/// index without blocking writes to its table, outside a transaction block.
pub fn create_index_concurrently(
    catalog: &Catalog,
    name: &QualifiedName,
) -> Result<Vec<String>, RenderError> {
    let id = ObjectId::Index { name: name.clone() };
    let index = catalog.indexes.get(name).ok_or_else(|| missing(&id))?;
    let mut out = vec![ddl::create_index_with(index, true)];
    if let Some(text) = &index.comment {
        out.push(ddl::comment(&comment_target(catalog, &id)?, text));
    }
    Ok(out)
}

/// `ALTER ... RENAME TO`: `from` is the object in the old catalog, `to` its new identity.
pub fn rename(old: &Catalog, from: &ObjectId, to: &ObjectId) -> Result<String, RenderError> {
    let q = quote_qualified;
    let new_name = |id: &ObjectId| -> Result<String, RenderError> {
        Ok(match id {
            ObjectId::Table { name }
            | ObjectId::View { name }
            | ObjectId::Sequence { name }
            | ObjectId::Index { name }
            | ObjectId::Enum { name }
            | ObjectId::Domain { name }
            | ObjectId::CompositeType { name } => ident(&name.name),
            ObjectId::Column { column, .. } => ident(column),
            ObjectId::Constraint { constraint, .. } => ident(constraint),
            _ => return Err(missing(id)),
        })
    };
    let target = new_name(to)?;
    Ok(match from {
        ObjectId::Table { name } => format!("ALTER TABLE {} RENAME TO {target}", q(name)),
        ObjectId::View { name } => {
            let view = old.views.get(name).ok_or_else(|| missing(from))?;
            format!(
                "ALTER {} {} RENAME TO {target}",
                view_keyword(view),
                q(name)
            )
        }
        ObjectId::Sequence { name } => format!("ALTER SEQUENCE {} RENAME TO {target}", q(name)),
        ObjectId::Index { name } => format!("ALTER INDEX {} RENAME TO {target}", q(name)),
        ObjectId::Enum { name } | ObjectId::CompositeType { name } => {
            format!("ALTER TYPE {} RENAME TO {target}", q(name))
        }
        ObjectId::Domain { name } => format!("ALTER DOMAIN {} RENAME TO {target}", q(name)),
        ObjectId::Column { table, column } => format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {target}",
            q(table),
            ident(column)
        ),
        ObjectId::Constraint { table, constraint } => format!(
            "ALTER TABLE {} RENAME CONSTRAINT {} TO {target}",
            q(table),
            ident(constraint)
        ),
        _ => return Err(missing(from)),
    })
}

/// `ALTER TYPE .. RENAME TO` a name of the caller's choice (to swap an enum out of the way).
pub fn rename_type_to(name: &QualifiedName, kind: &ObjectId, to: &Ident) -> String {
    let keyword = match kind {
        ObjectId::Domain { .. } => "DOMAIN",
        _ => "TYPE",
    };
    format!(
        "ALTER {keyword} {} RENAME TO {}",
        quote_qualified(name),
        ident(to)
    )
}

/// `DROP TYPE` of a type by name.
pub fn drop_type(name: &QualifiedName, kind: &ObjectId) -> String {
    let keyword = match kind {
        ObjectId::Domain { .. } => "DOMAIN",
        _ => "TYPE",
    };
    format!("DROP {keyword} {}", quote_qualified(name))
}

// ---------------------------------------------------------------------------------------------
// Extensions, schemas, enums, domains, composite types, sequences

pub fn alter_extension_version(extension: &Extension) -> String {
    format!(
        "ALTER EXTENSION {} UPDATE TO {}",
        ident(&extension.name),
        quote_literal(&extension.version)
    )
}

pub fn alter_extension_schema(extension: &Extension) -> String {
    format!(
        "ALTER EXTENSION {} SET SCHEMA {}",
        ident(&extension.name),
        ident(&extension.schema)
    )
}

/// Where a new enum label goes.
pub enum LabelPosition<'a> {
    End,
    Before(&'a str),
    After(&'a str),
}

pub fn add_enum_value(e: &EnumType, label: &str, position: LabelPosition<'_>) -> String {
    let place = match position {
        LabelPosition::End => String::new(),
        LabelPosition::Before(other) => format!(" BEFORE {}", quote_literal(other)),
        LabelPosition::After(other) => format!(" AFTER {}", quote_literal(other)),
    };
    format!(
        "ALTER TYPE {} ADD VALUE {}{place}",
        quote_qualified(&e.name),
        quote_literal(label)
    )
}

pub fn rename_enum_value(name: &QualifiedName, from: &str, to: &str) -> String {
    format!(
        "ALTER TYPE {} RENAME VALUE {} TO {}",
        quote_qualified(name),
        quote_literal(from),
        quote_literal(to)
    )
}

pub fn domain_default(domain: &Domain) -> String {
    let name = quote_qualified(&domain.name);
    match &domain.default {
        Some(default) => format!("ALTER DOMAIN {name} SET DEFAULT {}", default.as_str()),
        None => format!("ALTER DOMAIN {name} DROP DEFAULT"),
    }
}

pub fn domain_not_null(domain: &Domain) -> String {
    format!(
        "ALTER DOMAIN {} {} NOT NULL",
        quote_qualified(&domain.name),
        if domain.not_null { "SET" } else { "DROP" }
    )
}

pub fn drop_domain_check(domain: &QualifiedName, check: &Ident) -> String {
    format!(
        "ALTER DOMAIN {} DROP CONSTRAINT {}",
        quote_qualified(domain),
        ident(check)
    )
}

pub fn add_domain_check(domain: &Domain, check: &DomainCheck) -> Vec<String> {
    let mut out = vec![format!(
        "ALTER DOMAIN {} ADD CONSTRAINT {} CHECK ({}){}",
        quote_qualified(&domain.name),
        ident(&check.name),
        check.expression.as_str(),
        if check.not_valid { " NOT VALID" } else { "" }
    )];
    if let Some(text) = &check.comment {
        out.push(ddl::comment(
            &ddl::domain_constraint_target(&domain.name, &check.name),
            text,
        ));
    }
    out
}

pub fn validate_domain_check(domain: &QualifiedName, check: &Ident) -> String {
    format!(
        "ALTER DOMAIN {} VALIDATE CONSTRAINT {}",
        quote_qualified(domain),
        ident(check)
    )
}

pub fn domain_check_comment(domain: &QualifiedName, check: &Ident, text: Option<&str>) -> String {
    comment_on(&ddl::domain_constraint_target(domain, check), text)
}

pub fn add_attribute(composite: &QualifiedName, attribute: &CompositeAttribute) -> String {
    let mut out = format!(
        "ALTER TYPE {} ADD ATTRIBUTE {} {}",
        quote_qualified(composite),
        ident(&attribute.name),
        attribute.data_type.sql
    );
    if let Some(collation) = &attribute.collation {
        out.push_str(&format!(" COLLATE {}", quote_qualified(collation)));
    }
    out
}

pub fn drop_attribute(composite: &QualifiedName, attribute: &Ident) -> String {
    format!(
        "ALTER TYPE {} DROP ATTRIBUTE {}",
        quote_qualified(composite),
        ident(attribute)
    )
}

pub fn alter_attribute_type(composite: &QualifiedName, attribute: &CompositeAttribute) -> String {
    let mut out = format!(
        "ALTER TYPE {} ALTER ATTRIBUTE {} TYPE {}",
        quote_qualified(composite),
        ident(&attribute.name),
        attribute.data_type.sql
    );
    if let Some(collation) = &attribute.collation {
        out.push_str(&format!(" COLLATE {}", quote_qualified(collation)));
    }
    out
}

pub fn attribute_comment(
    composite: &QualifiedName,
    attribute: &Ident,
    text: Option<&str>,
) -> String {
    comment_on(&ddl::column_target(composite, attribute), text)
}

fn sequence_option_changes(
    old: &SequenceOptions,
    new: &SequenceOptions,
    is_identity: bool,
) -> Vec<String> {
    let mut parts = Vec::new();
    if old.data_type != new.data_type && !is_identity {
        parts.push(format!("AS {}", new.data_type));
    }
    if old.increment != new.increment {
        parts.push(format!("INCREMENT BY {}", new.increment));
    }
    if old.min_value != new.min_value {
        parts.push(format!("MINVALUE {}", new.min_value));
    }
    if old.max_value != new.max_value {
        parts.push(format!("MAXVALUE {}", new.max_value));
    }
    if old.start != new.start {
        parts.push(format!("START WITH {}", new.start));
    }
    if old.cache != new.cache {
        parts.push(format!("CACHE {}", new.cache));
    }
    if old.cycle != new.cycle {
        parts.push(if new.cycle { "CYCLE" } else { "NO CYCLE" }.to_owned());
    }
    parts
}

/// `ALTER SEQUENCE` with the options that differ; `None` when none do.
pub fn alter_sequence(old: &Sequence, new: &Sequence) -> Option<String> {
    let mut parts = sequence_option_changes(&old.options, &new.options, false);
    if parts.is_empty() {
        return None;
    }
    if sequence_restarts(old, new) {
        parts.push("RESTART".to_owned());
    }
    Some(format!(
        "ALTER SEQUENCE {} {}",
        quote_qualified(&new.name),
        parts.join(" ")
    ))
}

/// Whether [`alter_sequence`] restarts the sequence: its range narrows, so the current value
/// may fall outside it (PostgreSQL refuses the change otherwise).
pub fn sequence_restarts(old: &Sequence, new: &Sequence) -> bool {
    new.options.min_value > old.options.min_value || new.options.max_value < old.options.max_value
}

/// `ALTER TABLE ONLY parent DROP COLUMN`: the children keep the column as their own.
pub fn drop_column_keeping_children(table: &QualifiedName, column: &Ident) -> String {
    format!(
        "ALTER TABLE ONLY {} DROP COLUMN {}",
        quote_qualified(table),
        ident(column)
    )
}

pub fn sequence_logged(sequence: &Sequence) -> String {
    format!(
        "ALTER SEQUENCE {} SET {}",
        quote_qualified(&sequence.name),
        if sequence.unlogged {
            "UNLOGGED"
        } else {
            "LOGGED"
        }
    )
}

/// `ALTER SEQUENCE .. OWNED BY table.column` or `OWNED BY NONE`.
pub fn sequence_owned_by(sequence: &Sequence) -> String {
    ddl::sequence_owned_by(sequence).unwrap_or_else(|| {
        format!(
            "ALTER SEQUENCE {} OWNED BY NONE",
            quote_qualified(&sequence.name)
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Functions

/// `CREATE OR REPLACE FUNCTION` (or `PROCEDURE`) with the function's new definition.
pub fn replace_function(function: &Function) -> Result<String, RenderError> {
    let create = ddl::create_function(function)?;
    let keyword = match function.kind {
        FunctionKind::Procedure => "CREATE PROCEDURE",
        FunctionKind::Function | FunctionKind::Window => "CREATE FUNCTION",
    };
    Ok(create.replacen(
        keyword,
        &keyword.replacen("CREATE", "CREATE OR REPLACE", 1),
        1,
    ))
}

// ---------------------------------------------------------------------------------------------
// Tables and columns

fn table_prefix(table: &QualifiedName) -> String {
    format!("ALTER TABLE {}", quote_qualified(table))
}

fn column_prefix(table: &QualifiedName, column: &Ident) -> String {
    format!(
        "ALTER TABLE {} ALTER COLUMN {}",
        quote_qualified(table),
        ident(column)
    )
}

/// `ALTER TABLE .. ADD COLUMN` with the column's whole definition.
pub fn add_column(table: &Table, column: &Column) -> String {
    // The definition is the one CREATE TABLE writes.
    let definition = ddl::column_definition_for(column);
    format!("{} ADD COLUMN {definition}", table_prefix(&table.name))
}

fn column_settings(table: &Table, column: &Column) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(storage) = column.storage {
        out.push(set_storage(&table.name, &column.name, Some(storage)));
    }
    if let Some(method) = &column.compression {
        out.push(set_compression(&table.name, &column.name, Some(method)));
    }
    if let Some(target) = column.statistics {
        out.push(set_statistics(&table.name, &column.name, Some(target)));
    }
    out
}

/// `ALTER COLUMN .. TYPE t [COLLATE c] USING expr`.
pub fn alter_column_type(table: &QualifiedName, column: &Column, using: Option<&str>) -> String {
    let mut out = format!(
        "{} TYPE {}",
        column_prefix(table, &column.name),
        column.data_type.sql
    );
    if let Some(collation) = &column.collation {
        out.push_str(&format!(" COLLATE {}", quote_qualified(collation)));
    }
    if let Some(using) = using {
        out.push_str(" USING ");
        out.push_str(using);
    }
    out
}

/// The `USING` expression that converts a column to `to`: `col::to`, through `text` when the
/// conversion needs it (enums have no casts but from text).
pub fn using_cast(column: &Ident, to: &TypeRef, through_text: bool) -> String {
    let c = ident(column);
    if through_text {
        let dims = to.sql.matches("[]").count();
        format!("{c}::text{}::{}", "[]".repeat(dims), to.sql)
    } else {
        format!("{c}::{}", to.sql)
    }
}

pub fn set_default(table: &QualifiedName, column: &Ident, default: Option<&SqlExpr>) -> String {
    match default {
        Some(d) => format!(
            "{} SET DEFAULT {}",
            column_prefix(table, column),
            d.as_str()
        ),
        None => format!("{} DROP DEFAULT", column_prefix(table, column)),
    }
}

pub fn set_not_null(table: &QualifiedName, column: &Ident, not_null: bool) -> String {
    format!(
        "{} {} NOT NULL",
        column_prefix(table, column),
        if not_null { "SET" } else { "DROP" }
    )
}

pub fn add_identity(table: &QualifiedName, column: &Ident, identity: &Identity) -> String {
    format!(
        "{} ADD {}",
        column_prefix(table, column),
        ddl::identity_clause_for(identity)
    )
}

pub fn drop_expression(table: &QualifiedName, column: &Ident) -> String {
    format!("{} DROP EXPRESSION", column_prefix(table, column))
}

pub fn drop_identity(table: &QualifiedName, column: &Ident) -> String {
    format!("{} DROP IDENTITY", column_prefix(table, column))
}

/// `ALTER COLUMN .. SET GENERATED .. SET ...` for an identity whose kind or options differ.
pub fn alter_identity(
    table: &QualifiedName,
    column: &Ident,
    old: &Identity,
    new: &Identity,
) -> Option<String> {
    let mut parts = Vec::new();
    if old.kind != new.kind {
        parts.push(match new.kind {
            IdentityKind::Always => "SET GENERATED ALWAYS".to_owned(),
            IdentityKind::ByDefault => "SET GENERATED BY DEFAULT".to_owned(),
        });
    }
    for part in sequence_option_changes(&old.options, &new.options, true) {
        parts.push(format!("SET {part}"));
    }
    if old.options.data_type != new.options.data_type {
        // The identity sequence's type follows the column's; nothing to say here.
    }
    if parts.is_empty() {
        return None;
    }
    Some(format!(
        "{} {}",
        column_prefix(table, column),
        parts.join(" ")
    ))
}

/// `ALTER SEQUENCE .. AS type` for an identity column's sequence.
pub fn identity_sequence_type(identity: &Identity) -> String {
    format!(
        "ALTER SEQUENCE {} AS {}",
        quote_qualified(&identity.sequence_name),
        identity.options.data_type
    )
}

pub fn set_storage(
    table: &QualifiedName,
    column: &Ident,
    storage: Option<ColumnStorage>,
) -> String {
    let word = match storage {
        Some(ColumnStorage::Plain) => "PLAIN",
        Some(ColumnStorage::External) => "EXTERNAL",
        Some(ColumnStorage::Main) => "MAIN",
        // No explicit setting is the type's default, which the planner resolves to EXTENDED
        // only for types whose default it is.
        Some(ColumnStorage::Extended) | None => "EXTENDED",
    };
    format!("{} SET STORAGE {word}", column_prefix(table, column))
}

pub fn set_compression(table: &QualifiedName, column: &Ident, method: Option<&str>) -> String {
    format!(
        "{} SET COMPRESSION {}",
        column_prefix(table, column),
        method
            .map(quote_ident)
            .unwrap_or_else(|| "DEFAULT".to_owned())
    )
}

pub fn set_statistics(table: &QualifiedName, column: &Ident, target: Option<i32>) -> String {
    format!(
        "{} SET STATISTICS {}",
        column_prefix(table, column),
        target.unwrap_or(-1)
    )
}

pub fn column_comment(table: &QualifiedName, column: &Ident, text: Option<&str>) -> String {
    comment_on(&ddl::column_target(table, column), text)
}

pub fn table_logged(table: &Table) -> String {
    format!(
        "{} SET {}",
        table_prefix(&table.name),
        if table.unlogged { "UNLOGGED" } else { "LOGGED" }
    )
}

/// `ALTER TABLE .. SET (..)` / `RESET (..)` for storage parameters of a table, index or view.
pub fn set_options(
    keyword: &str,
    name: &QualifiedName,
    old: &[String],
    new: &[String],
) -> Vec<String> {
    let key = |o: &String| {
        o.split_once('=')
            .map(|(k, _)| k.to_owned())
            .unwrap_or(o.clone())
    };
    let new_keys: Vec<String> = new.iter().map(key).collect();
    let reset: Vec<String> = old
        .iter()
        .map(key)
        .filter(|k| !new_keys.contains(k))
        .map(|k| quote_ident(&k))
        .collect();
    let set: Vec<String> = new.iter().filter(|o| !old.contains(o)).cloned().collect();
    let mut out = Vec::new();
    let target = format!("ALTER {keyword} {}", quote_qualified(name));
    if !reset.is_empty() {
        out.push(format!("{target} RESET ({})", reset.join(", ")));
    }
    if !set.is_empty() {
        out.push(format!("{target} SET ({})", ddl::reloptions_for(&set)));
    }
    out
}

pub fn row_security(table: &Table) -> String {
    format!(
        "{} {} ROW LEVEL SECURITY",
        table_prefix(&table.name),
        if table.row_security {
            "ENABLE"
        } else {
            "DISABLE"
        }
    )
}

pub fn force_row_security(table: &Table) -> String {
    format!(
        "{} {} ROW LEVEL SECURITY",
        table_prefix(&table.name),
        if table.force_row_security {
            "FORCE"
        } else {
            "NO FORCE"
        }
    )
}

pub fn replica_identity(table: &Table) -> String {
    let what = match &table.replica_identity {
        ReplicaIdentity::Default => "DEFAULT".to_owned(),
        ReplicaIdentity::Nothing => "NOTHING".to_owned(),
        ReplicaIdentity::Full => "FULL".to_owned(),
        ReplicaIdentity::Index(index) => format!("USING INDEX {}", ident(index)),
    };
    format!("{} REPLICA IDENTITY {what}", table_prefix(&table.name))
}

pub fn clustered_on(table: &Table) -> String {
    match &table.clustered_on {
        Some(index) => format!("{} CLUSTER ON {}", table_prefix(&table.name), ident(index)),
        None => format!("{} SET WITHOUT CLUSTER", table_prefix(&table.name)),
    }
}

/// `ALTER TABLE .. ATTACH PARTITION` / `DETACH PARTITION`.
pub fn attach_partition(parent: &QualifiedName, child: &QualifiedName, bound: &str) -> String {
    format!(
        "{} ATTACH PARTITION {} {}",
        table_prefix(parent),
        quote_qualified(child),
        bound.trim()
    )
}

pub fn inherit(child: &QualifiedName, parent: &QualifiedName) -> String {
    format!(
        "{} INHERIT {}",
        table_prefix(child),
        quote_qualified(parent)
    )
}

pub fn no_inherit(child: &QualifiedName, parent: &QualifiedName) -> String {
    format!(
        "{} NO INHERIT {}",
        table_prefix(child),
        quote_qualified(parent)
    )
}

pub fn detach_partition(parent: &QualifiedName, child: &QualifiedName) -> String {
    format!(
        "{} DETACH PARTITION {}",
        table_prefix(parent),
        quote_qualified(child)
    )
}

// ---------------------------------------------------------------------------------------------
// Constraints, indexes, views, triggers, policies

pub fn validate_constraint(table: &QualifiedName, constraint: &Ident) -> String {
    format!(
        "{} VALIDATE CONSTRAINT {}",
        table_prefix(table),
        ident(constraint)
    )
}

pub fn alter_constraint_deferral(table: &QualifiedName, constraint: &Constraint) -> String {
    let deferral = match (constraint.deferrable, constraint.initially_deferred) {
        (false, _) => "NOT DEFERRABLE",
        (true, false) => "DEFERRABLE INITIALLY IMMEDIATE",
        (true, true) => "DEFERRABLE INITIALLY DEFERRED",
    };
    format!(
        "{} ALTER CONSTRAINT {} {deferral}",
        table_prefix(table),
        ident(&constraint.name)
    )
}

pub fn constraint_comment(table: &QualifiedName, constraint: &Constraint) -> Vec<String> {
    let mut out = vec![comment_on(
        &ddl::constraint_target(table, &constraint.name),
        constraint.comment.as_deref(),
    )];
    if matches!(
        constraint.kind,
        ConstraintKind::PrimaryKey { .. }
            | ConstraintKind::Unique { .. }
            | ConstraintKind::Exclusion { .. }
    ) {
        let index = QualifiedName::new(table.schema.clone(), constraint.name.clone());
        out.push(comment_on(
            &format!("INDEX {}", quote_qualified(&index)),
            constraint.index_comment.as_deref(),
        ));
    }
    out
}

pub fn index_options(old: &Index, new: &Index) -> Vec<String> {
    set_options("INDEX", &new.name, &old.options, &new.options)
}

pub fn view_options(old: &View, new: &View) -> Vec<String> {
    set_options(view_keyword(new), &new.name, &old.options, &new.options)
}

pub fn refresh_materialized_view(view: &View) -> String {
    format!("REFRESH MATERIALIZED VIEW {}", quote_qualified(&view.name))
}

pub fn view_column_comment(view: &QualifiedName, column: &Ident, text: Option<&str>) -> String {
    comment_on(&ddl::column_target(view, column), text)
}

/// `ALTER TABLE .. ENABLE/DISABLE TRIGGER` for the trigger's state.
pub fn trigger_state(trigger: &Trigger) -> String {
    ddl::trigger_enabled(trigger).unwrap_or_else(|| {
        format!(
            "ALTER TABLE {} ENABLE TRIGGER {}",
            quote_qualified(&trigger.id.table),
            ident(&trigger.id.name)
        )
    })
}

/// `ALTER POLICY .. TO .. USING .. WITH CHECK ..` for the clauses that differ.
pub fn alter_policy(table: &QualifiedName, old: &Policy, new: &Policy) -> Option<String> {
    let mut out = format!(
        "ALTER POLICY {} ON {}",
        ident(&new.name),
        quote_qualified(table)
    );
    let before = out.len();
    if old.roles != new.roles {
        out.push_str(&format!(" TO {}", ddl::policy_roles(&new.roles)));
    }
    if old.using != new.using {
        // A USING clause cannot be removed by ALTER POLICY.
        new.using.as_ref()?;
        if let Some(using) = &new.using {
            out.push_str(&format!(" USING ({})", using.as_str()));
        }
    }
    if old.with_check != new.with_check {
        new.with_check.as_ref()?;
        if let Some(check) = &new.with_check {
            out.push_str(&format!(" WITH CHECK ({})", check.as_str()));
        }
    }
    (out.len() > before).then_some(out)
}

/// `SET LOCAL check_function_bodies = off`: function bodies that name objects created later in
/// the migration are not checked when the function is created (as pg_dump does).
pub fn defer_function_body_checks() -> String {
    "SET LOCAL check_function_bodies = off".to_owned()
}

/// The `SET` statement for a lock timeout, e.g. `SET LOCAL lock_timeout = '5s'`.
pub fn lock_timeout(value: &str) -> String {
    format!("SET LOCAL lock_timeout = {}", quote_literal(value))
}
