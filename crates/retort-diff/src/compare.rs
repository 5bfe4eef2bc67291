//! The comparison itself: object by object, kind by kind.

use std::borrow::Cow;
use std::collections::BTreeMap;

use retort_catalog::{
    Catalog, Column, Constraint, ConstraintKind, Domain, Function, Ident, Index, ObjectId,
    QualifiedName, RenameHints, Table, TypeRef, View,
};

use crate::apply_renames::apply_renames;
use crate::change::{Attribute, Change, Diff};

/// Compares `old` (the current state) with `new` (the desired state).
pub fn diff<'a>(old: &'a Catalog, new: &Catalog, hints: &RenameHints) -> Diff<'a> {
    let (base, renames) = match apply_renames(old, new, hints) {
        Some((renamed, renames)) => (Cow::Owned(renamed), renames),
        None => (Cow::Borrowed(old), Vec::new()),
    };
    let changes = if crate::normalize::needed(&base) || crate::normalize::needed(new) {
        compare(
            &crate::normalize::normalize(&base),
            &crate::normalize::normalize(new),
        )
    } else {
        compare(&base, new)
    };
    Diff {
        renames,
        base,
        changes,
    }
}

struct Out(Vec<Change>);

impl Out {
    fn create(&mut self, id: ObjectId) {
        self.0.push(Change::Create { id });
    }
    fn drop(&mut self, id: ObjectId) {
        self.0.push(Change::Drop { id });
    }
    fn alter(&mut self, id: ObjectId, attributes: Vec<Attribute>) {
        if !attributes.is_empty() {
            self.0.push(Change::Alter { id, attributes });
        }
    }
}

/// Keys of two maps side by side: only old, only new, both.
fn pairs<'m, K: Ord, V>(
    old: &'m BTreeMap<K, V>,
    new: &'m BTreeMap<K, V>,
) -> impl Iterator<Item = (&'m K, Option<&'m V>, Option<&'m V>)> {
    merge(old.iter(), new.iter())
}

/// A merge of two iterators sorted by key (both sides of a diff), without collecting.
fn merge<'m, K: Ord + 'm, V: 'm>(
    old: impl Iterator<Item = (&'m K, &'m V)>,
    new: impl Iterator<Item = (&'m K, &'m V)>,
) -> impl Iterator<Item = (&'m K, Option<&'m V>, Option<&'m V>)> {
    let mut old = old.peekable();
    let mut new = new.peekable();
    std::iter::from_fn(move || match (old.peek(), new.peek()) {
        (Some((a, _)), Some((b, _))) => match a.cmp(b) {
            std::cmp::Ordering::Less => old.next().map(|(k, v)| (k, Some(v), None)),
            std::cmp::Ordering::Greater => new.next().map(|(k, v)| (k, None, Some(v))),
            std::cmp::Ordering::Equal => {
                let (k, a) = old.next()?;
                let (_, b) = new.next()?;
                Some((k, Some(a), Some(b)))
            }
        },
        (Some(_), None) => old.next().map(|(k, v)| (k, Some(v), None)),
        (None, Some(_)) => new.next().map(|(k, v)| (k, None, Some(v))),
        (None, None) => None,
    })
}

/// Collects the attributes whose values differ.
struct Attrs(Vec<Attribute>);

impl Attrs {
    fn new() -> Self {
        Attrs(Vec::new())
    }
    fn check<T: PartialEq + ?Sized>(&mut self, attribute: Attribute, a: &T, b: &T) {
        if a != b && !self.0.contains(&attribute) {
            self.0.push(attribute);
        }
    }
    fn done(mut self) -> Vec<Attribute> {
        self.0.sort();
        self.0
    }
}

fn compare(old: &Catalog, new: &Catalog) -> Vec<Change> {
    let mut out = Out(Vec::new());

    for (name, a, b) in pairs(&old.schemas, &new.schemas) {
        let id = || ObjectId::Schema { name: name.clone() };
        match (a, b) {
            (Some(_), None) => out.drop(id()),
            (None, Some(_)) => out.create(id()),
            (Some(a), Some(b)) => {
                let mut d = Attrs::new();
                d.check(Attribute::Comment, &a.comment, &b.comment);
                out.alter(id(), d.done());
            }
            (None, None) => {}
        }
    }

    for (name, a, b) in pairs(&old.extensions, &new.extensions) {
        let id = || ObjectId::Extension { name: name.clone() };
        match (a, b) {
            (Some(_), None) => out.drop(id()),
            (None, Some(_)) => out.create(id()),
            (Some(a), Some(b)) => {
                let mut d = Attrs::new();
                d.check(Attribute::Version, &a.version, &b.version);
                d.check(Attribute::Schema, &a.schema, &b.schema);
                d.check(Attribute::Comment, &a.comment, &b.comment);
                out.alter(id(), d.done());
            }
            (None, None) => {}
        }
    }

    for (name, a, b) in pairs(&old.collations, &new.collations) {
        let id = || ObjectId::Collation { name: name.clone() };
        match (a, b) {
            (Some(_), None) => out.drop(id()),
            (None, Some(_)) => out.create(id()),
            (Some(a), Some(b)) => {
                let mut d = Attrs::new();
                let def = |c: &retort_catalog::Collation| {
                    (
                        c.provider,
                        c.locale.clone(),
                        c.lc_collate.clone(),
                        c.lc_ctype.clone(),
                        c.deterministic,
                        c.rules.clone(),
                    )
                };
                d.check(Attribute::Definition, &def(a), &def(b));
                d.check(Attribute::Comment, &a.comment, &b.comment);
                out.alter(id(), d.done());
            }
            (None, None) => {}
        }
    }

    for (name, a, b) in pairs(&old.enums, &new.enums) {
        let id = || ObjectId::Enum { name: name.clone() };
        match (a, b) {
            (Some(_), None) => out.drop(id()),
            (None, Some(_)) => out.create(id()),
            (Some(a), Some(b)) => {
                let mut d = Attrs::new();
                d.check(Attribute::Labels, &a.labels, &b.labels);
                d.check(Attribute::Comment, &a.comment, &b.comment);
                out.alter(id(), d.done());
            }
            (None, None) => {}
        }
    }

    for (name, a, b) in pairs(&old.domains, &new.domains) {
        let id = || ObjectId::Domain { name: name.clone() };
        match (a, b) {
            (Some(_), None) => out.drop(id()),
            (None, Some(_)) => out.create(id()),
            (Some(a), Some(b)) => out.alter(id(), domain_attributes(a, b)),
            (None, None) => {}
        }
    }

    for (name, a, b) in pairs(&old.composite_types, &new.composite_types) {
        let id = || ObjectId::CompositeType { name: name.clone() };
        match (a, b) {
            (Some(_), None) => out.drop(id()),
            (None, Some(_)) => out.create(id()),
            (Some(a), Some(b)) => {
                let mut d = Attrs::new();
                let shape = |t: &retort_catalog::CompositeType| {
                    t.attributes
                        .iter()
                        .map(|x| (x.name.clone(), type_key(&x.data_type), x.collation.clone()))
                        .collect::<Vec<_>>()
                };
                d.check(Attribute::DataType, &shape(a), &shape(b));
                let comments = |t: &retort_catalog::CompositeType| {
                    (
                        t.comment.clone(),
                        t.attributes
                            .iter()
                            .map(|x| (x.name.clone(), x.comment.clone()))
                            .collect::<BTreeMap<_, _>>(),
                    )
                };
                d.check(Attribute::Comment, &comments(a), &comments(b));
                out.alter(id(), d.done());
            }
            (None, None) => {}
        }
    }

    for (name, a, b) in pairs(&old.sequences, &new.sequences) {
        let id = || ObjectId::Sequence { name: name.clone() };
        match (a, b) {
            (Some(_), None) => out.drop(id()),
            (None, Some(_)) => out.create(id()),
            (Some(a), Some(b)) => {
                let mut d = Attrs::new();
                d.check(Attribute::SequenceOptions, &a.options, &b.options);
                d.check(Attribute::Unlogged, &a.unlogged, &b.unlogged);
                d.check(Attribute::OwnedBy, &a.owned_by, &b.owned_by);
                d.check(Attribute::Comment, &a.comment, &b.comment);
                out.alter(id(), d.done());
            }
            (None, None) => {}
        }
    }

    for (fid, a, b) in pairs(&old.functions, &new.functions) {
        let id = || ObjectId::Function { id: fid.clone() };
        match (a, b) {
            (Some(_), None) => out.drop(id()),
            (None, Some(_)) => out.create(id()),
            (Some(a), Some(b)) => out.alter(id(), function_attributes(a, b)),
            (None, None) => {}
        }
    }

    for (name, a, b) in pairs(&old.tables, &new.tables) {
        let id = || ObjectId::Table { name: name.clone() };
        match (a, b) {
            (Some(_), None) => out.drop(id()),
            (None, Some(_)) => out.create(id()),
            (Some(a), Some(b)) => compare_table(&mut out, a, b),
            (None, None) => {}
        }
    }

    for (name, a, b) in merge(standalone_indexes(old), standalone_indexes(new)) {
        let id = || ObjectId::Index { name: name.clone() };
        match (a, b) {
            (Some(_), None) => out.drop(id()),
            (None, Some(_)) => out.create(id()),
            (Some(a), Some(b)) => out.alter(id(), index_attributes(a, b)),
            (None, None) => {}
        }
    }

    for (name, a, b) in pairs(&old.views, &new.views) {
        let id = || ObjectId::View { name: name.clone() };
        match (a, b) {
            (Some(_), None) => out.drop(id()),
            (None, Some(_)) => out.create(id()),
            (Some(a), Some(b)) => out.alter(id(), view_attributes(a, b)),
            (None, None) => {}
        }
    }

    for (tid, a, b) in pairs(&old.triggers, &new.triggers) {
        let id = || ObjectId::Trigger { id: tid.clone() };
        match (a, b) {
            (Some(_), None) => out.drop(id()),
            (None, Some(_)) => out.create(id()),
            (Some(a), Some(b)) => {
                let mut d = Attrs::new();
                let def = |t: &retort_catalog::Trigger| {
                    let mut t = t.clone();
                    t.enabled = Default::default();
                    t.comment = None;
                    t
                };
                d.check(Attribute::Definition, &def(a), &def(b));
                d.check(Attribute::Enabled, &a.enabled, &b.enabled);
                d.check(Attribute::Comment, &a.comment, &b.comment);
                out.alter(id(), d.done());
            }
            (None, None) => {}
        }
    }

    out.0
}

/// The key a type compares by: its text, except that a user type compares by its (possibly
/// renamed) name and array dimensions, since a rename changes the name but not the text kept
/// in the old catalog.
pub(crate) fn type_key(t: &TypeRef) -> (Option<QualifiedName>, String) {
    match &t.user_type {
        Some(name) => {
            let dims = t.sql.matches("[]").count();
            (Some(name.clone()), "[]".repeat(dims))
        }
        None => (None, t.sql.clone()),
    }
}

fn domain_attributes(a: &Domain, b: &Domain) -> Vec<Attribute> {
    let mut d = Attrs::new();
    d.check(
        Attribute::Definition,
        &(type_key(&a.base_type), &a.collation),
        &(type_key(&b.base_type), &b.collation),
    );
    d.check(Attribute::Default, &a.default, &b.default);
    d.check(Attribute::NotNull, &a.not_null, &b.not_null);
    let checks = |x: &Domain| {
        x.checks
            .values()
            .map(|c| (c.name.clone(), c.expression.clone(), c.not_valid))
            .collect::<Vec<_>>()
    };
    d.check(Attribute::Checks, &checks(a), &checks(b));
    let comments = |x: &Domain| {
        (
            x.comment.clone(),
            x.checks
                .values()
                .map(|c| (c.name.clone(), c.comment.clone()))
                .collect::<Vec<_>>(),
        )
    };
    d.check(Attribute::Comment, &comments(a), &comments(b));
    d.done()
}

/// What `CREATE OR REPLACE FUNCTION` cannot change (kind, result, argument names and defaults)
/// is a new definition; the rest is a body change.
fn function_attributes(a: &Function, b: &Function) -> Vec<Attribute> {
    let mut d = Attrs::new();
    d.check(
        Attribute::Definition,
        &(a.kind, &a.returns, &a.arguments),
        &(b.kind, &b.returns, &b.arguments),
    );
    let body = |f: &Function| {
        (
            f.language.clone(),
            f.body.clone(),
            f.sql_body,
            f.volatility,
            f.strict,
            f.security_definer,
            f.leakproof,
            f.parallel,
            f.cost.clone(),
            f.rows.clone(),
            f.config.clone(),
        )
    };
    d.check(Attribute::Body, &body(a), &body(b));
    d.check(Attribute::Comment, &a.comment, &b.comment);
    d.done()
}

fn compare_table(out: &mut Out, a: &Table, b: &Table) {
    let table = &b.name;
    let mut d = Attrs::new();
    d.check(
        Attribute::Definition,
        &(&a.partition_by, &a.partition_of, &a.inherits),
        &(&b.partition_by, &b.partition_of, &b.inherits),
    );
    d.check(Attribute::Unlogged, &a.unlogged, &b.unlogged);
    d.check(Attribute::Options, &a.options, &b.options);
    d.check(Attribute::RowSecurity, &a.row_security, &b.row_security);
    d.check(
        Attribute::ForceRowSecurity,
        &a.force_row_security,
        &b.force_row_security,
    );
    d.check(
        Attribute::ReplicaIdentity,
        &a.replica_identity,
        &b.replica_identity,
    );
    d.check(Attribute::ClusteredOn, &a.clustered_on, &b.clustered_on);
    d.check(Attribute::Comment, &a.comment, &b.comment);
    out.alter(
        ObjectId::Table {
            name: table.clone(),
        },
        d.done(),
    );

    // Columns, by name (their order is not compared: ADD COLUMN appends, and reordering would
    // mean rebuilding the table).
    let mut old_cols: Vec<(&Ident, &Column)> = a.columns.iter().map(|c| (&c.name, c)).collect();
    let mut new_cols: Vec<(&Ident, &Column)> = b.columns.iter().map(|c| (&c.name, c)).collect();
    old_cols.sort_by(|x, y| x.0.cmp(y.0));
    new_cols.sort_by(|x, y| x.0.cmp(y.0));
    for (name, x, y) in merge(
        old_cols.iter().map(|(k, v)| (*k, *v)),
        new_cols.iter().map(|(k, v)| (*k, *v)),
    ) {
        let id = || ObjectId::Column {
            table: table.clone(),
            column: (*name).clone(),
        };
        match (x, y) {
            // A column a child takes from its parent comes and goes with the parent's.
            (Some(x), None) if !x.inherited => out.drop(id()),
            (None, Some(y)) if !y.inherited => out.create(id()),
            (Some(x), Some(y)) => out.alter(id(), column_attributes(x, y)),
            _ => {}
        }
    }

    for (name, x, y) in pairs(&a.constraints, &b.constraints) {
        let id = || ObjectId::Constraint {
            table: table.clone(),
            constraint: name.clone(),
        };
        match (x, y) {
            (Some(_), None) => out.drop(id()),
            (None, Some(_)) => out.create(id()),
            (Some(x), Some(y)) => out.alter(id(), constraint_attributes(x, y)),
            (None, None) => {}
        }
    }

    for (name, x, y) in pairs(&a.policies, &b.policies) {
        let id = || ObjectId::Policy {
            table: table.clone(),
            policy: name.clone(),
        };
        match (x, y) {
            (Some(_), None) => out.drop(id()),
            (None, Some(_)) => out.create(id()),
            (Some(x), Some(y)) => {
                let mut d = Attrs::new();
                d.check(
                    Attribute::Definition,
                    &(x.command, x.permissive),
                    &(y.command, y.permissive),
                );
                d.check(
                    Attribute::PolicyClauses,
                    &(&x.roles, &x.using, &x.with_check),
                    &(&y.roles, &y.using, &y.with_check),
                );
                d.check(Attribute::Comment, &x.comment, &y.comment);
                out.alter(id(), d.done());
            }
            (None, None) => {}
        }
    }
}

fn column_attributes(a: &Column, b: &Column) -> Vec<Attribute> {
    let mut d = Attrs::new();
    d.check(
        Attribute::DataType,
        &type_key(&a.data_type),
        &type_key(&b.data_type),
    );
    d.check(Attribute::NotNull, &a.not_null, &b.not_null);
    d.check(Attribute::Default, &a.default, &b.default);
    d.check(Attribute::Identity, &a.identity, &b.identity);
    d.check(Attribute::Generated, &a.generated, &b.generated);
    d.check(Attribute::Collation, &a.collation, &b.collation);
    d.check(Attribute::Storage, &a.storage, &b.storage);
    d.check(Attribute::Compression, &a.compression, &b.compression);
    d.check(Attribute::Statistics, &a.statistics, &b.statistics);
    d.check(Attribute::Comment, &a.comment, &b.comment);
    if a.inherited && b.inherited {
        // The parent's ALTER COLUMN recurses to its children; a child cannot change these.
        d.0.retain(|x| {
            !matches!(
                x,
                Attribute::DataType | Attribute::Generated | Attribute::Collation
            )
        });
    }
    d.done()
}

fn constraint_attributes(a: &Constraint, b: &Constraint) -> Vec<Attribute> {
    let mut d = Attrs::new();
    d.check(Attribute::Definition, &a.kind, &b.kind);
    let foreign_key = matches!(a.kind, ConstraintKind::ForeignKey { .. });
    let deferral = |c: &Constraint| (c.deferrable, c.initially_deferred);
    if foreign_key {
        d.check(Attribute::Deferral, &deferral(a), &deferral(b));
    } else {
        // Only foreign keys can change deferrability in place (ALTER CONSTRAINT).
        d.check(Attribute::Definition, &deferral(a), &deferral(b));
    }
    if a.not_valid && !b.not_valid {
        d.check(Attribute::Validated, &a.not_valid, &b.not_valid);
    } else {
        // Becoming NOT VALID again means adding it again without checking.
        d.check(Attribute::Definition, &a.not_valid, &b.not_valid);
    }
    d.check(
        Attribute::Comment,
        &(&a.comment, &a.index_comment),
        &(&b.comment, &b.index_comment),
    );
    d.done()
}

/// Indexes that are not the index of a primary key, unique or exclusion constraint (those come
/// and go with their constraint).
fn standalone_indexes(catalog: &Catalog) -> impl Iterator<Item = (&QualifiedName, &Index)> {
    catalog
        .indexes
        .iter()
        .filter(|(name, index)| !is_constraint_index(catalog, name, index))
}

/// Whether `index` implements a constraint of its table (it has the constraint's name).
pub fn is_constraint_index(catalog: &Catalog, name: &QualifiedName, index: &Index) -> bool {
    catalog.tables.get(&index.table).is_some_and(|t| {
        t.constraints.get(&name.name).is_some_and(|c| {
            matches!(
                c.kind,
                ConstraintKind::PrimaryKey { .. }
                    | ConstraintKind::Unique { .. }
                    | ConstraintKind::Exclusion { .. }
            )
        })
    })
}

fn index_attributes(a: &Index, b: &Index) -> Vec<Attribute> {
    let mut d = Attrs::new();
    fn def(i: &Index) -> impl PartialEq + '_ {
        (
            &i.table,
            i.unique,
            &i.method,
            &i.keys,
            &i.include,
            &i.predicate,
            i.nulls_not_distinct,
            i.only,
        )
    }
    d.check(Attribute::Definition, &def(a), &def(b));
    d.check(Attribute::Options, &a.options, &b.options);
    d.check(Attribute::Comment, &a.comment, &b.comment);
    d.done()
}

fn view_attributes(a: &View, b: &View) -> Vec<Attribute> {
    let mut d = Attrs::new();
    d.check(
        Attribute::Definition,
        &(a.materialized, &a.definition),
        &(b.materialized, &b.definition),
    );
    d.check(Attribute::Options, &a.options, &b.options);
    d.check(Attribute::Populated, &a.populated, &b.populated);
    d.check(
        Attribute::ColumnComments,
        &a.column_comments,
        &b.column_comments,
    );
    d.check(Attribute::Comment, &a.comment, &b.comment);
    d.done()
}
