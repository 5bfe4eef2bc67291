//! The contract between the differ and the planner.

use std::borrow::Cow;

use retort_catalog::{Catalog, ObjectId};
use serde::Serialize;

/// The outcome of [`crate::diff`].
#[derive(Debug, Clone)]
pub struct Diff<'a> {
    /// Renames, in the order they must run (types, relations, then their members).
    pub renames: Vec<Rename>,
    /// `old` with the renames applied: the catalog `changes` are relative to.
    pub base: Cow<'a, Catalog>,
    /// Every other difference, ordered by object id.
    pub changes: Vec<Change>,
}

impl Diff<'_> {
    pub fn is_empty(&self) -> bool {
        self.renames.is_empty() && self.changes.is_empty()
    }
}

/// An object kept under a new name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rename {
    /// A table, view, index, sequence, type, column or constraint: `from` in the old catalog is
    /// `to` in the new one.
    Object { from: ObjectId, to: ObjectId },
    /// An enum label, on the type under its new name.
    EnumValue {
        #[serde(rename = "type")]
        type_id: ObjectId,
        from: String,
        to: String,
    },
}

/// One difference between the base and the desired catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// In the desired catalog only.
    Create { id: ObjectId },
    /// In the base catalog only.
    Drop { id: ObjectId },
    /// In both, with these attributes different.
    Alter {
        id: ObjectId,
        attributes: Vec<Attribute>,
    },
}

impl Change {
    pub fn id(&self) -> &ObjectId {
        match self {
            Change::Create { id } | Change::Drop { id } | Change::Alter { id, .. } => id,
        }
    }
}

/// An attribute that differs between two versions of one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribute {
    /// Anything that cannot be altered in place: the object must be dropped and created again
    /// (a check expression, an index definition, a collation's locale).
    Definition,
    Comment,
    /// Extension version.
    Version,
    /// The schema of an extension.
    Schema,
    /// Enum labels.
    Labels,
    /// Column or domain type; composite attributes.
    DataType,
    NotNull,
    Default,
    Identity,
    Generated,
    Collation,
    Storage,
    Compression,
    Statistics,
    /// Domain CHECK constraints.
    Checks,
    /// Sequence options (and identity options).
    SequenceOptions,
    OwnedBy,
    Unlogged,
    /// Storage parameters of tables, indexes and views.
    Options,
    RowSecurity,
    ForceRowSecurity,
    ReplicaIdentity,
    ClusteredOn,
    /// View column comments.
    ColumnComments,
    /// Materialized view populated or not.
    Populated,
    /// Constraint `NOT VALID` vs validated.
    Validated,
    /// Constraint deferrability.
    Deferral,
    /// A function's body or settings, changeable by `CREATE OR REPLACE`.
    Body,
    /// Trigger enabled state.
    Enabled,
    /// Policy roles, USING, WITH CHECK (changeable by `ALTER POLICY`).
    PolicyClauses,
}
