//! The actual and expected value of each attribute the differ reports, as short text, or as a
//! unified diff for long definitions.

use retort_catalog::{
    Catalog, Column, ColumnRef, Constraint, Domain, Function, Identity, ObjectId, QualifiedName,
    ReplicaIdentity, SequenceOptions, SqlExpr, Table, TypeRef,
};
use retort_diff::Attribute;
use retort_sql::migration;
use retort_sql::quote::{quote_ident, quote_literal, quote_qualified};
use serde::Serialize;

use super::AttributeDrift;

/// One entry per attribute (a few attributes give several: a function's body and its
/// settings, a policy's roles and clauses). An object missing from either catalog, or an
/// attribute this module does not know for the kind, still gives an entry, without values.
pub(super) fn compare(
    id: &ObjectId,
    attributes: &[Attribute],
    actual: &Catalog,
    expected: &Catalog,
) -> Vec<AttributeDrift> {
    let mut out = Vec::new();
    for &attribute in attributes {
        let mut entries = Entries(Vec::new());
        match object_entries(&mut entries, id, attribute, actual, expected) {
            Some(()) if !entries.0.is_empty() => out.extend(entries.0),
            _ => out.push(AttributeDrift {
                attribute: label(attribute),
                actual: None,
                expected: None,
                diff: None,
            }),
        }
    }
    out
}

/// The name an attribute has in reports.
fn label(attribute: Attribute) -> &'static str {
    match attribute {
        Attribute::Definition => "definition",
        Attribute::Comment => "comment",
        Attribute::Version => "version",
        Attribute::Schema => "schema",
        Attribute::Labels => "labels",
        Attribute::DataType => "type",
        Attribute::NotNull => "not null",
        Attribute::Default => "default",
        Attribute::Identity => "identity",
        Attribute::Generated => "generated",
        Attribute::Collation => "collation",
        Attribute::Storage => "storage",
        Attribute::Compression => "compression",
        Attribute::Statistics => "statistics",
        Attribute::Checks => "checks",
        Attribute::SequenceOptions => "sequence options",
        Attribute::OwnedBy => "owned by",
        Attribute::Unlogged => "unlogged",
        Attribute::Options => "options",
        Attribute::RowSecurity => "row security",
        Attribute::ForceRowSecurity => "force row security",
        Attribute::ReplicaIdentity => "replica identity",
        Attribute::ClusteredOn => "clustered on",
        Attribute::ColumnComments => "column comments",
        Attribute::Populated => "populated",
        Attribute::Validated => "validated",
        Attribute::Deferral => "deferrable",
        Attribute::Body => "body",
        Attribute::Enabled => "enabled",
        Attribute::PolicyClauses => "policy",
    }
}

struct Entries(Vec<AttributeDrift>);

impl Entries {
    /// Both values; a unified diff instead when either spans several lines.
    fn values(&mut self, attribute: &'static str, actual: String, expected: String) {
        if actual.contains('\n') || expected.contains('\n') {
            self.diff(attribute, &actual, &expected);
        } else {
            self.0.push(AttributeDrift {
                attribute,
                actual: Some(actual),
                expected: Some(expected),
                diff: None,
            });
        }
    }

    /// Both values when they differ (for attributes made of several parts).
    fn part(&mut self, attribute: &'static str, actual: String, expected: String) {
        if actual != expected {
            self.values(attribute, actual, expected);
        }
    }

    /// A unified diff of two texts, line by line.
    fn diff(&mut self, attribute: &'static str, actual: &str, expected: &str) {
        let actual = with_final_newline(actual);
        let expected = with_final_newline(expected);
        let diff = similar::TextDiff::from_lines(actual.as_str(), expected.as_str())
            .unified_diff()
            .header("actual", "expected")
            .to_string();
        self.0.push(AttributeDrift {
            attribute,
            actual: None,
            expected: None,
            diff: Some(diff),
        });
    }
}

fn with_final_newline(text: &str) -> String {
    let mut text = text.to_owned();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Fills `out` for one attribute of `id`; `None` when either object is not found.
fn object_entries(
    out: &mut Entries,
    id: &ObjectId,
    attribute: Attribute,
    a: &Catalog,
    b: &Catalog,
) -> Option<()> {
    let l = label(attribute);
    match id {
        ObjectId::Schema { name } => {
            let (x, y) = (a.schemas.get(name)?, b.schemas.get(name)?);
            if attribute == Attribute::Comment {
                out.values(l, comment(&x.comment), comment(&y.comment));
            }
        }
        ObjectId::Extension { name } => {
            let (x, y) = (a.extensions.get(name)?, b.extensions.get(name)?);
            match attribute {
                Attribute::Version => out.values(l, x.version.clone(), y.version.clone()),
                Attribute::Schema => out.values(
                    l,
                    quote_ident(x.schema.as_str()),
                    quote_ident(y.schema.as_str()),
                ),
                Attribute::Comment => out.values(l, comment(&x.comment), comment(&y.comment)),
                _ => {}
            }
        }
        ObjectId::Collation { name } => {
            let (x, y) = (a.collations.get(name)?, b.collations.get(name)?);
            match attribute {
                Attribute::Definition => out.values(l, statement(a, id)?, statement(b, id)?),
                Attribute::Comment => out.values(l, comment(&x.comment), comment(&y.comment)),
                _ => {}
            }
        }
        ObjectId::Enum { name } => {
            let (x, y) = (a.enums.get(name)?, b.enums.get(name)?);
            match attribute {
                Attribute::Labels => out.values(l, labels(&x.labels), labels(&y.labels)),
                Attribute::Comment => out.values(l, comment(&x.comment), comment(&y.comment)),
                _ => {}
            }
        }
        ObjectId::Domain { name } => {
            let (x, y) = (a.domains.get(name)?, b.domains.get(name)?);
            domain(out, attribute, x, y);
        }
        ObjectId::CompositeType { name } => {
            let (x, y) = (a.composite_types.get(name)?, b.composite_types.get(name)?);
            match attribute {
                Attribute::DataType => {
                    let shape = |t: &retort_catalog::CompositeType| {
                        lines(t.attributes.iter().map(|at| {
                            format!(
                                "{} {}{}",
                                quote_ident(at.name.as_str()),
                                at.data_type.sql,
                                collate(&at.collation)
                            )
                        }))
                    };
                    out.values("attributes", shape(x), shape(y));
                }
                Attribute::Comment => {
                    out.part(l, comment(&x.comment), comment(&y.comment));
                    let members = |t: &retort_catalog::CompositeType| {
                        member_comments(t.attributes.iter().map(|at| (&at.name, &at.comment)))
                    };
                    out.part("attribute comments", members(x), members(y));
                }
                _ => {}
            }
        }
        ObjectId::Sequence { name } => {
            let (x, y) = (a.sequences.get(name)?, b.sequences.get(name)?);
            match attribute {
                Attribute::SequenceOptions => {
                    let (p, q) = sequence_options(&x.options, &y.options);
                    out.values(l, p, q);
                }
                Attribute::Unlogged => out.values(l, flag(x.unlogged), flag(y.unlogged)),
                Attribute::OwnedBy => out.values(l, owned_by(&x.owned_by), owned_by(&y.owned_by)),
                Attribute::Comment => out.values(l, comment(&x.comment), comment(&y.comment)),
                _ => {}
            }
        }
        ObjectId::Function { id: f } => {
            let (x, y) = (a.functions.get(f)?, b.functions.get(f)?);
            function(out, attribute, x, y);
        }
        ObjectId::Table { name } => {
            let (x, y) = (a.tables.get(name)?, b.tables.get(name)?);
            table(out, attribute, x, y);
        }
        ObjectId::Column { table, column } => {
            let x = a.tables.get(table)?.column(column.as_str())?;
            let y = b.tables.get(table)?.column(column.as_str())?;
            self::column(out, attribute, x, y);
        }
        ObjectId::Constraint { table, constraint } => {
            let x = a.tables.get(table)?.constraints.get(constraint)?;
            let y = b.tables.get(table)?.constraints.get(constraint)?;
            match attribute {
                Attribute::Definition => out.diff(l, &statement(a, id)?, &statement(b, id)?),
                Attribute::Deferral => out.values(l, deferral(x), deferral(y)),
                Attribute::Validated => out.values(l, validated(x), validated(y)),
                Attribute::Comment => {
                    out.part(l, comment(&x.comment), comment(&y.comment));
                    out.part(
                        "index comment",
                        comment(&x.index_comment),
                        comment(&y.index_comment),
                    );
                }
                _ => {}
            }
        }
        ObjectId::Index { name } => {
            let (x, y) = (a.indexes.get(name)?, b.indexes.get(name)?);
            match attribute {
                Attribute::Definition => out.diff(l, &statement(a, id)?, &statement(b, id)?),
                Attribute::Options => out.values(l, list(&x.options), list(&y.options)),
                Attribute::Comment => out.values(l, comment(&x.comment), comment(&y.comment)),
                _ => {}
            }
        }
        ObjectId::View { name } => {
            let (x, y) = (a.views.get(name)?, b.views.get(name)?);
            match attribute {
                Attribute::Definition => out.diff(l, &statement(a, id)?, &statement(b, id)?),
                Attribute::Options => out.values(l, list(&x.options), list(&y.options)),
                Attribute::Populated => out.values(l, flag(x.populated), flag(y.populated)),
                Attribute::ColumnComments => {
                    let members = |v: &retort_catalog::View| {
                        lines(
                            v.column_comments
                                .iter()
                                .map(|(c, t)| format!("{}: {}", quote_ident(c.as_str()), lit(t))),
                        )
                    };
                    out.values(l, members(x), members(y));
                }
                Attribute::Comment => out.values(l, comment(&x.comment), comment(&y.comment)),
                _ => {}
            }
        }
        ObjectId::Trigger { id: t } => {
            let (x, y) = (a.triggers.get(t)?, b.triggers.get(t)?);
            match attribute {
                Attribute::Definition => out.diff(l, &statement(a, id)?, &statement(b, id)?),
                Attribute::Enabled => out.values(l, word(&x.enabled), word(&y.enabled)),
                Attribute::Comment => out.values(l, comment(&x.comment), comment(&y.comment)),
                _ => {}
            }
        }
        ObjectId::Policy { table, policy } => {
            let x = a.tables.get(table)?.policies.get(policy)?;
            let y = b.tables.get(table)?.policies.get(policy)?;
            match attribute {
                Attribute::Definition => {
                    let def = |p: &retort_catalog::Policy| {
                        let mode = if p.permissive {
                            "permissive"
                        } else {
                            "restrictive"
                        };
                        format!("{mode} for {}", word(&p.command))
                    };
                    out.values(l, def(x), def(y));
                }
                Attribute::PolicyClauses => {
                    let roles = |p: &retort_catalog::Policy| {
                        list_of(p.roles.iter().map(|r| quote_ident(r.as_str())))
                    };
                    out.part("roles", roles(x), roles(y));
                    out.part("using", expr(&x.using), expr(&y.using));
                    out.part("with check", expr(&x.with_check), expr(&y.with_check));
                }
                Attribute::Comment => out.values(l, comment(&x.comment), comment(&y.comment)),
                _ => {}
            }
        }
    }
    Some(())
}

fn domain(out: &mut Entries, attribute: Attribute, x: &Domain, y: &Domain) {
    let l = label(attribute);
    match attribute {
        Attribute::Definition => {
            let def = |d: &Domain| format!("{}{}", d.base_type.sql, collate(&d.collation));
            out.values("type", def(x), def(y));
        }
        Attribute::Default => out.values(l, expr(&x.default), expr(&y.default)),
        Attribute::NotNull => out.values(l, flag(x.not_null), flag(y.not_null)),
        Attribute::Checks => {
            let checks = |d: &Domain| {
                let mut text = lines(d.checks.values().map(|c| {
                    format!(
                        "CONSTRAINT {} CHECK ({}){}",
                        quote_ident(c.name.as_str()),
                        c.expression.as_str(),
                        if c.not_valid { " NOT VALID" } else { "" }
                    )
                }));
                if text == "none" {
                    text.clear();
                }
                text
            };
            out.diff(l, &checks(x), &checks(y));
        }
        Attribute::Comment => {
            out.part(l, comment(&x.comment), comment(&y.comment));
            let members =
                |d: &Domain| member_comments(d.checks.values().map(|c| (&c.name, &c.comment)));
            out.part("check comments", members(x), members(y));
        }
        _ => {}
    }
}

fn function(out: &mut Entries, attribute: Attribute, x: &Function, y: &Function) {
    let l = label(attribute);
    match attribute {
        Attribute::Definition => {
            let def = |f: &Function| {
                let mut text = format!("{} ({})", word(&f.kind), f.arguments);
                if let Some(returns) = &f.returns {
                    text.push_str(" returns ");
                    text.push_str(returns);
                }
                text
            };
            out.values(l, def(x), def(y));
        }
        Attribute::Body => {
            if x.body != y.body {
                out.diff(l, &x.body, &y.body);
            }
            // Every setting in a fixed place, so that only those that differ are shown.
            let settings = |f: &Function| {
                let either = |yes: bool, a: &str, b: &str| if yes { a } else { b }.to_owned();
                let config = if f.config.is_empty() {
                    "no set options".to_owned()
                } else {
                    f.config
                        .iter()
                        .map(|c| format!("set {c}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                [
                    format!("language {}", quote_ident(f.language.as_str())),
                    either(f.sql_body, "sql-standard body", "string body"),
                    word(&f.volatility),
                    either(f.strict, "strict", "called on null input"),
                    either(f.security_definer, "security definer", "security invoker"),
                    either(f.leakproof, "leakproof", "not leakproof"),
                    format!("parallel {}", word(&f.parallel)),
                    format!("cost {}", f.cost),
                    format!("rows {}", f.rows),
                    config,
                ]
            };
            let (p, q) = differing(settings(x), settings(y));
            if !p.is_empty() {
                out.values("settings", p, q);
            }
        }
        Attribute::Comment => out.values(l, comment(&x.comment), comment(&y.comment)),
        _ => {}
    }
}

fn table(out: &mut Entries, attribute: Attribute, x: &Table, y: &Table) {
    let l = label(attribute);
    match attribute {
        Attribute::Definition => {
            let part = |t: &Table| {
                let mut parts = Vec::new();
                if let Some(p) = &t.partition_by {
                    parts.push(format!("partition by {} ({})", word(&p.strategy), p.key));
                }
                if let Some(p) = &t.partition_of {
                    parts.push(format!(
                        "partition of {} {}",
                        quote_qualified(&p.parent),
                        p.bound
                    ));
                }
                if !t.inherits.is_empty() {
                    parts.push(format!(
                        "inherits ({})",
                        t.inherits
                            .iter()
                            .map(quote_qualified)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                if parts.is_empty() {
                    "plain table".to_owned()
                } else {
                    parts.join(", ")
                }
            };
            out.values(l, part(x), part(y));
        }
        Attribute::Unlogged => out.values(l, flag(x.unlogged), flag(y.unlogged)),
        Attribute::Options => out.values(l, list(&x.options), list(&y.options)),
        Attribute::RowSecurity => out.values(l, flag(x.row_security), flag(y.row_security)),
        Attribute::ForceRowSecurity => {
            out.values(l, flag(x.force_row_security), flag(y.force_row_security));
        }
        Attribute::ReplicaIdentity => out.values(
            l,
            replica_identity(&x.replica_identity),
            replica_identity(&y.replica_identity),
        ),
        Attribute::ClusteredOn => {
            let on = |t: &Table| match &t.clustered_on {
                Some(index) => quote_ident(index.as_str()),
                None => "none".to_owned(),
            };
            out.values(l, on(x), on(y));
        }
        Attribute::Comment => out.values(l, comment(&x.comment), comment(&y.comment)),
        _ => {}
    }
}

fn column(out: &mut Entries, attribute: Attribute, x: &Column, y: &Column) {
    let l = label(attribute);
    match attribute {
        Attribute::DataType => out.values(l, type_text(&x.data_type), type_text(&y.data_type)),
        Attribute::NotNull => out.values(l, flag(x.not_null), flag(y.not_null)),
        Attribute::Default => out.values(l, expr(&x.default), expr(&y.default)),
        Attribute::Identity => {
            let (p, q) = identity(&x.identity, &y.identity);
            out.values(l, p, q);
        }
        Attribute::Generated => {
            let generated = |c: &Column| match &c.generated {
                Some(g) => format!("{} ({})", word(&g.kind), g.expression.as_str()),
                None => "none".to_owned(),
            };
            out.values(l, generated(x), generated(y));
        }
        Attribute::Collation => {
            let collation = |c: &Column| match &c.collation {
                Some(name) => quote_qualified(name),
                None => "default".to_owned(),
            };
            out.values(l, collation(x), collation(y));
        }
        Attribute::Storage => {
            let storage = |c: &Column| match &c.storage {
                Some(s) => word(s),
                None => "default".to_owned(),
            };
            out.values(l, storage(x), storage(y));
        }
        Attribute::Compression => {
            let compression = |c: &Column| {
                c.compression
                    .clone()
                    .unwrap_or_else(|| "default".to_owned())
            };
            out.values(l, compression(x), compression(y));
        }
        Attribute::Statistics => {
            let statistics = |c: &Column| match c.statistics {
                Some(n) => n.to_string(),
                None => "default".to_owned(),
            };
            out.values(l, statistics(x), statistics(y));
        }
        Attribute::Comment => out.values(l, comment(&x.comment), comment(&y.comment)),
        _ => {}
    }
}

/// The first statement that creates the object (its definition, without comments).
fn statement(catalog: &Catalog, id: &ObjectId) -> Option<String> {
    migration::create(catalog, id).ok()?.into_iter().next()
}

fn type_text(t: &TypeRef) -> String {
    t.sql.clone()
}

fn comment(text: &Option<String>) -> String {
    match text {
        Some(text) => lit(text),
        None => "none".to_owned(),
    }
}

fn lit(text: &str) -> String {
    quote_literal(text)
}

fn expr(e: &Option<SqlExpr>) -> String {
    match e {
        Some(e) => e.as_str().to_owned(),
        None => "none".to_owned(),
    }
}

fn flag(b: bool) -> String {
    b.to_string()
}

fn collate(collation: &Option<QualifiedName>) -> String {
    match collation {
        Some(name) => format!(" COLLATE {}", quote_qualified(name)),
        None => String::new(),
    }
}

fn labels(labels: &[String]) -> String {
    list_of(labels.iter().map(|l| lit(l)))
}

fn list(items: &[String]) -> String {
    list_of(items.iter().cloned())
}

/// `a, b, c`, or `none`.
fn list_of(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

/// One item a line, or `none`.
fn lines(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join("\n")
    }
}

/// The comments of members (attributes, checks): `name: 'text'`, one a line.
fn member_comments<'a>(
    members: impl Iterator<Item = (&'a retort_catalog::Ident, &'a Option<String>)>,
) -> String {
    lines(
        members
            .filter_map(|(name, text)| Some((name, text.as_ref()?)))
            .map(|(name, text)| format!("{}: {}", quote_ident(name.as_str()), lit(text))),
    )
}

/// A value's serde name with spaces: `by_default` -> `by default`.
fn word<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s.replace('_', " "),
        Ok(other) => other.to_string(),
        Err(_) => "?".to_owned(),
    }
}

fn owned_by(owner: &Option<ColumnRef>) -> String {
    match owner {
        Some(c) => format!(
            "{}.{}",
            quote_qualified(&c.table),
            quote_ident(c.column.as_str())
        ),
        None => "none".to_owned(),
    }
}

fn replica_identity(r: &ReplicaIdentity) -> String {
    match r {
        ReplicaIdentity::Index(index) => format!("index {}", quote_ident(index.as_str())),
        other => word(other),
    }
}

fn deferral(c: &Constraint) -> String {
    match (c.deferrable, c.initially_deferred) {
        (false, _) => "not deferrable".to_owned(),
        (true, false) => "deferrable initially immediate".to_owned(),
        (true, true) => "deferrable initially deferred".to_owned(),
    }
}

fn validated(c: &Constraint) -> String {
    if c.not_valid { "not valid" } else { "valid" }.to_owned()
}

/// The options of two sequences that differ, side by side: `increment 1` -> `increment 5`.
fn sequence_options(x: &SequenceOptions, y: &SequenceOptions) -> (String, String) {
    let parts = |o: &SequenceOptions| {
        [
            format!("as {}", o.data_type),
            format!("start {}", o.start),
            format!("increment {}", o.increment),
            format!("min {}", o.min_value),
            format!("max {}", o.max_value),
            format!("cache {}", o.cache),
            if o.cycle { "cycle" } else { "no cycle" }.to_owned(),
        ]
    };
    differing(parts(x), parts(y))
}

/// The parts at the same place of two lists that differ, each side joined: `increment 1` and
/// `increment 5`.
fn differing<const N: usize>(x: [String; N], y: [String; N]) -> (String, String) {
    let (p, q): (Vec<String>, Vec<String>) = x.into_iter().zip(y).filter(|(a, b)| a != b).unzip();
    (p.join(", "), q.join(", "))
}

/// `always` / `by default` / `none`; with the options that differ when both are the same kind.
fn identity(x: &Option<Identity>, y: &Option<Identity>) -> (String, String) {
    let kind = |i: &Option<Identity>| match i {
        Some(i) => format!("generated {} as identity", word(&i.kind)),
        None => "none".to_owned(),
    };
    let (p, q) = (kind(x), kind(y));
    match (x, y) {
        (Some(a), Some(b)) if p == q => {
            let (mut o, mut n) = sequence_options(&a.options, &b.options);
            if a.sequence_name != b.sequence_name {
                let sep = |s: &str| if s.is_empty() { "" } else { ", " };
                o = format!(
                    "sequence {}{}{o}",
                    quote_qualified(&a.sequence_name),
                    sep(&o)
                );
                n = format!(
                    "sequence {}{}{n}",
                    quote_qualified(&b.sequence_name),
                    sep(&n)
                );
            }
            (format!("{p} ({o})"), format!("{q} ({n})"))
        }
        _ => (p, q),
    }
}
