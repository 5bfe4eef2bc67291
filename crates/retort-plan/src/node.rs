//! A planned step before ordering: its statements and what it needs, provides, releases and
//! touches, from which the ordering edges come.

use retort_catalog::{Ident, ObjectId, QualifiedName};

use crate::hazard::{Hazard, HazardNote};
use crate::model::{Cause, ChangeKind, Step};

/// A name only one object can hold at a time: a relation or type name in a schema, a
/// constraint name on a table, or any other object's own identity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Slot {
    /// Tables, views, sequences, indexes and types share `pg_class` / `pg_type` names.
    Name(QualifiedName),
    Constraint(QualifiedName, Ident),
    Object(ObjectId),
}

/// Which transaction a step belongs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Seg {
    /// Renames and enum values added, committed before anything uses them.
    Early,
    Main,
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub step: Step,
    pub seg: Seg,
    /// Tie-break among steps that are ready together: smaller first.
    pub rank: u16,
    /// Objects in their new form once this step has run.
    pub provides: Vec<ObjectId>,
    /// Objects (of the new catalog) that must be in their new form before this step.
    pub needs: Vec<ObjectId>,
    /// Objects (of the old catalog) this step stops depending on.
    pub releases: Vec<ObjectId>,
    /// Objects (of the old catalog) this step removes or changes: everything that releases
    /// them goes first.
    pub touches: Vec<ObjectId>,
    /// Like `touches`, but only the drops that release these objects go first.
    pub touches_after_drops: Vec<ObjectId>,
    pub frees: Vec<Slot>,
    pub takes: Vec<Slot>,
    pub is_rename: bool,
    pub is_drop: bool,
}

impl Node {
    pub fn new(change: ChangeKind, object: ObjectId, summary: String, rank: u16) -> Node {
        Node {
            step: Step {
                statements: Vec::new(),
                cause: Cause {
                    change,
                    object,
                    summary,
                },
                hazards: Vec::new(),
            },
            seg: Seg::Main,
            rank,
            provides: Vec::new(),
            needs: Vec::new(),
            releases: Vec::new(),
            touches: Vec::new(),
            touches_after_drops: Vec::new(),
            frees: Vec::new(),
            takes: Vec::new(),
            is_rename: false,
            is_drop: false,
        }
    }

    pub fn sql(mut self, statements: impl IntoIterator<Item = String>) -> Node {
        self.step.statements.extend(statements);
        self
    }

    pub fn hazard(&mut self, hazard: Hazard, detail: impl Into<String>) {
        let detail = detail.into();
        if !self
            .step
            .hazards
            .iter()
            .any(|h| h.hazard == hazard && h.detail == detail)
        {
            self.step.hazards.push(HazardNote { hazard, detail });
        }
    }
}

/// The slot an object occupies.
pub(crate) fn slot_of(id: &ObjectId) -> Slot {
    match id {
        ObjectId::Table { name }
        | ObjectId::View { name }
        | ObjectId::Sequence { name }
        | ObjectId::Index { name }
        | ObjectId::Enum { name }
        | ObjectId::Domain { name }
        | ObjectId::CompositeType { name } => Slot::Name(name.clone()),
        ObjectId::Constraint { table, constraint } => {
            Slot::Constraint(table.clone(), constraint.clone())
        }
        other => Slot::Object(other.clone()),
    }
}

/// Kind ranks for the tie-break: drops of dependents before what they depend on, creates in
/// the opposite order.
pub(crate) fn create_rank(id: &ObjectId) -> u16 {
    200 + match id {
        ObjectId::Schema { .. } => 0,
        ObjectId::Extension { .. } => 1,
        ObjectId::Collation { .. } => 2,
        ObjectId::Enum { .. } => 3,
        ObjectId::Domain { .. } => 4,
        ObjectId::CompositeType { .. } => 5,
        ObjectId::Sequence { .. } => 6,
        ObjectId::Function { .. } => 7,
        ObjectId::Table { .. } => 8,
        ObjectId::Column { .. } => 9,
        ObjectId::Constraint { .. } => 10,
        ObjectId::Index { .. } => 11,
        ObjectId::View { .. } => 12,
        ObjectId::Trigger { .. } => 13,
        ObjectId::Policy { .. } => 14,
    }
}

pub(crate) fn drop_rank(id: &ObjectId) -> u16 {
    100 + (14 - (create_rank(id) - 200))
}

/// Rank of steps that only change comments: last.
pub(crate) const COMMENT_RANK: u16 = 400;
