//! What differs between two catalogs, as typed changes: never SQL.
//!
//! [`diff`] compares the current catalog (`old`) with the desired one (`new`). Renames come
//! only from explicit [`RenameHints`]; without a hint, a new name is a drop and a create.
//! Renames are applied to a copy of `old` first (the [`Diff::base`]), and every other change is
//! computed against that base, so a renamed table's columns compare with their own old selves.

mod apply_renames;
mod change;
mod compare;
mod normalize;

pub use change::{Attribute, Change, Diff, Rename};
pub use compare::diff;
pub use retort_catalog::{ObjectId, RenameHints};
