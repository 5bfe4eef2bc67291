//! From typed changes to an ordered, reviewable migration.
//!
//! [`plan`] diffs two catalogs and turns the changes into [`Step`]s: a strategy per change
//! (alter in place, or drop and create again with everything that depends on it), an order from
//! a dependency graph with a stable tie-break, the [`Hazard`]s of each step, and transaction
//! [`Segment`]s. [`Plan::to_sql`] writes the migration script. The output is a function of the
//! two catalogs and the hints alone.

mod deps;
mod hazard;
mod model;
mod node;
mod order;
mod planner;
mod types;

pub use hazard::{Hazard, HazardNote, UnknownHazard};
pub use model::{Cause, ChangeKind, Plan, Segment, Step};

use retort_catalog::{Catalog, QualifiedName, RenameHints, RenameKind};

/// Why a plan cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The changes need an order PostgreSQL cannot run (a dependency cycle).
    #[error("cannot order the migration: these steps depend on each other in a cycle: {}", .members.join(", "))]
    Cycle { members: Vec<String> },
    /// A catalog object cannot be written as SQL.
    #[error(transparent)]
    Render(#[from] retort_sql::RenderError),
    /// The change is not one retort can carry out.
    #[error("{0}")]
    Unsupported(String),
}

/// Choices between strategies that are all correct, made by the user.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// Build new indexes on tables that exist already with `CREATE INDEX CONCURRENTLY`, in a
    /// segment of their own after the main transaction, so that writes to the table are not
    /// blocked while the index builds. Indexes on new or partitioned tables, and indexes a
    /// constraint or another step needs, are built in the transaction as usual.
    pub concurrent_indexes: bool,
}

/// The migration that takes `old` to `new`. `hints` are the declared renames (of `new`).
pub fn plan(old: &Catalog, new: &Catalog, hints: &RenameHints) -> Result<Plan, PlanError> {
    plan_with(old, new, hints, &PlanOptions::default())
}

/// [`plan`] with the strategies `options` choose.
pub fn plan_with(
    old: &Catalog,
    new: &Catalog,
    hints: &RenameHints,
    options: &PlanOptions,
) -> Result<Plan, PlanError> {
    planner::plan(old, new, hints, options)
}

/// The reverse migration: from `new` back to `old`, with the renames undone.
pub fn plan_down(old: &Catalog, new: &Catalog, hints: &RenameHints) -> Result<Plan, PlanError> {
    plan_down_with(old, new, hints, &PlanOptions::default())
}

/// [`plan_down`] with the strategies `options` choose.
pub fn plan_down_with(
    old: &Catalog,
    new: &Catalog,
    hints: &RenameHints,
    options: &PlanOptions,
) -> Result<Plan, PlanError> {
    planner::plan(new, old, &reverse(hints), options)
}

/// The hints that undo `hints`: each object's new name is renamed back to its old one. A
/// member (column, constraint, value) is named under its table's or type's old name.
fn reverse(hints: &RenameHints) -> RenameHints {
    let old_name_of = |kind: RenameKind, name: &QualifiedName| -> QualifiedName {
        let owner = match kind {
            RenameKind::EnumValue => RenameKind::Type,
            _ => RenameKind::Table,
        };
        match hints.object_from(owner, name) {
            Some(from) => QualifiedName::new(name.schema.clone(), from),
            None => name.clone(),
        }
    };
    hints.reversed(old_name_of)
}
