//! The drift report of `retort check`: how an actual catalog (a live database) differs from the
//! expected one (the declared schema), and the SQL that fixes it.
//!
//! [`DriftReport::new`] reads a [`Diff`] of the actual catalog (`old`) to the expected one
//! (`new`): a [`Change::Create`] is an object that is missing, a [`Change::Drop`] one that exists
//! but is not expected, a [`Change::Alter`] one that differs, with each attribute's actual and
//! expected value. The report is data (serializable, in the diff's order); [`render_human`],
//! [`render_json`] and [`render_github`] write it out.

mod attributes;
mod render;
#[cfg(test)]
mod tests;

use retort_catalog::{Catalog, ObjectId};
use retort_diff::{Change, Diff, Rename};
use retort_sql::migration::describe;
use serde::Serialize;

pub use render::{render_github, render_human, render_json};

/// Every difference between the actual and the expected schema, and the fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DriftReport {
    /// What was compared with what: `database app`, `schema`, `migrations (head 3f9c2a1b7d4e)`.
    pub actual: String,
    pub expected: String,
    /// Revisions of the history the database does not record as applied (or records
    /// differently): only when a database is checked against the history.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub revisions: Vec<RevisionDrift>,
    /// In the diff's order: renames first, then every other change by object.
    pub differences: Vec<Difference>,
    pub counts: Counts,
    /// The migration that brings the actual schema to the expected one; empty when nothing
    /// differs.
    pub fix_sql: String,
}

/// A revision whose record in the database differs from the migration directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevisionDrift {
    pub kind: RevisionDriftKind,
    pub revision: String,
    /// The file that holds it; none for a revision no file holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// How a revision's record differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RevisionDriftKind {
    /// In the history up to its head, never applied.
    NotApplied,
    /// Applied, but no migration file holds it.
    Unknown,
    /// Applied from a file that has changed since.
    Edited,
    /// Started and not finished.
    PartlyApplied,
}

/// What kind of difference an entry is, seen from the actual schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftKind {
    /// Expected, not in the actual schema.
    Missing,
    /// In the actual schema, not expected.
    Unexpected,
    /// In both, with attributes that differ.
    Changed,
    /// In the actual schema under another name.
    Renamed,
}

/// One object that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub kind: DriftKind,
    /// `table`, `column`, `index`, `enum label`, ...
    pub object_kind: &'static str,
    /// The object's name as messages write it, quoted where SQL would quote it:
    /// `public.users`, `public.users.email`, `users_pkey on public.users`.
    pub name: String,
    /// Renames only: the expected name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_to: Option<String>,
    /// Changes only: each attribute that differs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<AttributeDrift>,
}

/// One attribute of a changed object: either both values as short text, or, for long
/// definitions, a unified diff from the actual to the expected text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttributeDrift {
    /// `type`, `default`, `not null`, `body`, `definition`, ...
    pub attribute: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// A unified diff (`--- actual`, `+++ expected`), ending with a newline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// How many differences of each kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    pub total: usize,
    pub missing: usize,
    pub unexpected: usize,
    pub changed: usize,
    pub renamed: usize,
    /// Revisions whose record differs ([`RevisionDrift`]).
    pub revisions: usize,
}

impl DriftReport {
    /// The report of `diff`, which must be `retort_diff::diff(old, new, hints)` of the actual
    /// catalog `old` and the expected catalog `new`; `fix_sql` is the plan of the same inputs
    /// (`Plan::to_sql`). Actual values are read from `diff.base` (`old` with the renames
    /// applied), which the changes are relative to.
    pub fn new(
        actual_name: &str,
        expected_name: &str,
        diff: &Diff<'_>,
        new: &Catalog,
        fix_sql: &str,
    ) -> DriftReport {
        let actual: &Catalog = &diff.base;
        let mut differences = Vec::with_capacity(diff.renames.len() + diff.changes.len());
        for rename in &diff.renames {
            differences.push(renamed(rename));
        }
        for change in &diff.changes {
            differences.push(match change {
                Change::Create { id } => plain(DriftKind::Missing, id),
                Change::Drop { id } => plain(DriftKind::Unexpected, id),
                Change::Alter { id, attributes } => Difference {
                    attributes: attributes::compare(id, attributes, actual, new),
                    ..plain(DriftKind::Changed, id)
                },
            });
        }
        let mut counts = Counts {
            total: differences.len(),
            ..Counts::default()
        };
        for d in &differences {
            match d.kind {
                DriftKind::Missing => counts.missing += 1,
                DriftKind::Unexpected => counts.unexpected += 1,
                DriftKind::Changed => counts.changed += 1,
                DriftKind::Renamed => counts.renamed += 1,
            }
        }
        let fix_sql = if differences.is_empty() {
            String::new()
        } else {
            fix_sql.to_owned()
        };
        DriftReport {
            actual: actual_name.to_owned(),
            expected: expected_name.to_owned(),
            revisions: Vec::new(),
            differences,
            counts,
            fix_sql,
        }
    }

    /// Adds the revisions whose record differs from the history.
    pub fn with_revisions(mut self, revisions: Vec<RevisionDrift>) -> DriftReport {
        self.counts.total += revisions.len();
        self.counts.revisions += revisions.len();
        self.revisions = revisions;
        self
    }

    /// Whether the actual schema is the expected one.
    pub fn is_clean(&self) -> bool {
        self.differences.is_empty() && self.revisions.is_empty()
    }
}

fn plain(kind: DriftKind, id: &ObjectId) -> Difference {
    Difference {
        kind,
        object_kind: id.kind(),
        name: name_of(id),
        renamed_to: None,
        attributes: Vec::new(),
    }
}

fn renamed(rename: &Rename) -> Difference {
    match rename {
        Rename::Object { from, to } => Difference {
            renamed_to: Some(name_of(to)),
            ..plain(DriftKind::Renamed, from)
        },
        Rename::EnumValue { type_id, from, to } => Difference {
            kind: DriftKind::Renamed,
            object_kind: "enum label",
            name: format!(
                "{} of {}",
                retort_sql::quote::quote_literal(from),
                name_of(type_id)
            ),
            renamed_to: Some(retort_sql::quote::quote_literal(to)),
            attributes: Vec::new(),
        },
    }
}

/// [`describe`] without the kind in front: `public.users`, `users_pkey on public.users`.
fn name_of(id: &ObjectId) -> String {
    let described = describe(id);
    match described
        .strip_prefix(id.kind())
        .and_then(|rest| rest.strip_prefix(' '))
    {
        Some(name) => name.to_owned(),
        None => described,
    }
}
