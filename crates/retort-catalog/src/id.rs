//! Object identities: one key for every object and sub-object a migration can create, drop or
//! alter, and the rename hints that tie a new name to an old one.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::ident::{FunctionId, Ident, QualifiedName};
use crate::model::TriggerId;

/// The identity of one object of a catalog. Sub-objects (columns, constraints, policies) carry
/// their table. The variant order is the kind order used to break ties deterministically.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Debug)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ObjectId {
    Schema {
        name: Ident,
    },
    Extension {
        name: Ident,
    },
    Collation {
        name: QualifiedName,
    },
    Enum {
        name: QualifiedName,
    },
    Domain {
        name: QualifiedName,
    },
    CompositeType {
        name: QualifiedName,
    },
    Sequence {
        name: QualifiedName,
    },
    Function {
        id: FunctionId,
    },
    Table {
        name: QualifiedName,
    },
    Column {
        table: QualifiedName,
        column: Ident,
    },
    Constraint {
        table: QualifiedName,
        constraint: Ident,
    },
    Index {
        name: QualifiedName,
    },
    View {
        name: QualifiedName,
    },
    Trigger {
        id: TriggerId,
    },
    Policy {
        table: QualifiedName,
        policy: Ident,
    },
}

impl ObjectId {
    /// The kind as a word for messages and JSON: `table`, `column`, `enum`, ...
    pub fn kind(&self) -> &'static str {
        match self {
            ObjectId::Schema { .. } => "schema",
            ObjectId::Extension { .. } => "extension",
            ObjectId::Collation { .. } => "collation",
            ObjectId::Enum { .. } => "enum",
            ObjectId::Domain { .. } => "domain",
            ObjectId::CompositeType { .. } => "composite type",
            ObjectId::Sequence { .. } => "sequence",
            ObjectId::Function { .. } => "function",
            ObjectId::Table { .. } => "table",
            ObjectId::Column { .. } => "column",
            ObjectId::Constraint { .. } => "constraint",
            ObjectId::Index { .. } => "index",
            ObjectId::View { .. } => "view",
            ObjectId::Trigger { .. } => "trigger",
            ObjectId::Policy { .. } => "policy",
        }
    }

    /// The table a sub-object belongs to (columns, constraints, policies, triggers).
    pub fn parent_table(&self) -> Option<&QualifiedName> {
        match self {
            ObjectId::Column { table, .. }
            | ObjectId::Constraint { table, .. }
            | ObjectId::Policy { table, .. } => Some(table),
            ObjectId::Trigger { id } => Some(&id.table),
            _ => None,
        }
    }

    /// The schema the object lives in (`None` for schemas and extensions).
    pub fn schema(&self) -> Option<&Ident> {
        match self {
            ObjectId::Schema { .. } | ObjectId::Extension { .. } => None,
            ObjectId::Collation { name }
            | ObjectId::Enum { name }
            | ObjectId::Domain { name }
            | ObjectId::CompositeType { name }
            | ObjectId::Sequence { name }
            | ObjectId::Table { name }
            | ObjectId::Index { name }
            | ObjectId::View { name } => Some(&name.schema),
            ObjectId::Function { id } => Some(&id.schema),
            ObjectId::Column { table, .. }
            | ObjectId::Constraint { table, .. }
            | ObjectId::Policy { table, .. } => Some(&table.schema),
            ObjectId::Trigger { id } => Some(&id.table.schema),
        }
    }
}

/// What a rename hint is about.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Debug)]
#[serde(rename_all = "snake_case")]
pub enum RenameKind {
    Table,
    Column,
    Index,
    Constraint,
    /// An enum, domain or composite type.
    Type,
    Sequence,
    View,
    EnumValue,
}

/// "The object declared here was called `from` before": the only way retort turns a
/// difference into a rename rather than a drop and a create.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Debug)]
pub struct RenameHint {
    pub kind: RenameKind,
    /// The object's name in the declared (new) schema. For columns and constraints, the
    /// table (under its new name) and the sub-object; for enum values, the type and the label.
    pub object: QualifiedName,
    /// The column, constraint or enum label, for those kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// The previous name: of the object itself, or of the member. Same schema, same table.
    pub from: String,
}

/// Every rename hint of a declared schema, in a deterministic order.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize, Debug)]
pub struct RenameHints {
    pub hints: BTreeSet<RenameHint>,
}

impl RenameHints {
    pub fn is_empty(&self) -> bool {
        self.hints.is_empty()
    }

    pub fn insert(&mut self, hint: RenameHint) {
        self.hints.insert(hint);
    }

    /// The previous name of an object of `kind` declared as `object`.
    pub fn object_from(&self, kind: RenameKind, object: &QualifiedName) -> Option<&str> {
        self.hints
            .iter()
            .find(|h| h.kind == kind && h.member.is_none() && &h.object == object)
            .map(|h| h.from.as_str())
    }

    /// The previous name of member `member` of `object` (a column, constraint or enum label).
    pub fn member_from(
        &self,
        kind: RenameKind,
        object: &QualifiedName,
        member: &str,
    ) -> Option<&str> {
        self.hints
            .iter()
            .find(|h| h.kind == kind && &h.object == object && h.member.as_deref() == Some(member))
            .map(|h| h.from.as_str())
    }

    /// The hints that undo these renames, for the reverse migration: every hint names the old
    /// object under its new name. For members, `object` stays the table's or type's name in
    /// the old schema only when the table itself is not renamed too, so `old_name_of` maps it.
    pub fn reversed(
        &self,
        old_name_of: impl Fn(RenameKind, &QualifiedName) -> QualifiedName,
    ) -> RenameHints {
        let mut out = RenameHints::default();
        for h in &self.hints {
            match &h.member {
                None => out.insert(RenameHint {
                    kind: h.kind,
                    object: QualifiedName::new(h.object.schema.clone(), h.from.as_str()),
                    member: None,
                    from: h.object.name.as_str().to_owned(),
                }),
                Some(member) => out.insert(RenameHint {
                    kind: h.kind,
                    object: old_name_of(h.kind, &h.object),
                    member: Some(h.from.clone()),
                    from: member.clone(),
                }),
            }
        }
        out
    }
}
