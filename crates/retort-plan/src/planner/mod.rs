//! Strategies: which steps each change becomes.
//!
//! Every change is carried out in place when PostgreSQL can alter the object, else the object
//! is dropped and created again. Objects that depend on something dropped, created again or
//! changed in a way they cannot follow (a view on a column whose type changes) are created
//! again too, found by walking the old catalog's dependents. Types that columns use are never
//! dropped under them: an enum that loses or reorders values, or a domain with a new base type,
//! is renamed out of the way, created anew, the columns are converted to it, and the old type
//! is dropped.

use std::collections::{BTreeMap, BTreeSet};

use retort_catalog::{
    Catalog, Column, ConstraintKind, Ident, ObjectId, QualifiedName, RenameHints, Table,
};
use retort_diff::{Attribute, Change, Diff, Rename};
use retort_sql::migration as sql;

use crate::deps::{self, Deps};
use crate::hazard::Hazard;
use crate::model::{ChangeKind, Plan, Segment};
use crate::node::{Node, Seg, Slot, create_rank, drop_rank, slot_of};
use crate::types;
use crate::{PlanError, PlanOptions};

mod alter;

pub(crate) fn plan(
    old: &Catalog,
    new: &Catalog,
    hints: &RenameHints,
    options: &PlanOptions,
) -> Result<Plan, PlanError> {
    let diff = retort_diff::diff(old, new, hints);
    if diff.is_empty() {
        return Ok(Plan::default());
    }
    let mut planner = Planner::new(&diff, new, *options);
    planner.classify(&diff.changes);
    planner.cascade();
    planner.renames(&diff.renames)?;
    planner.emit(&diff.changes)?;
    planner.finish()
}

struct Planner<'a> {
    options: PlanOptions,
    old: &'a Catalog,
    new: &'a Catalog,
    od: Deps<'a>,
    nd: Deps<'a>,
    nodes: Vec<Node>,
    created: BTreeSet<ObjectId>,
    dropped: BTreeSet<ObjectId>,
    /// Dropped and created again, with the reason.
    recreate: BTreeMap<ObjectId, String>,
    /// Types renamed away, created anew and dropped once their columns are converted.
    swapped: BTreeMap<ObjectId, String>,
    /// Columns converted to a swapped type.
    repoint: BTreeSet<ObjectId>,
    /// Columns whose default is dropped before, and set again after, something it calls is
    /// created again.
    reset_default: BTreeSet<ObjectId>,
    alters: BTreeMap<ObjectId, Vec<Attribute>>,
    /// Extensions created and dropped: every other step needs the first and comes before the
    /// second.
    new_extensions: Vec<ObjectId>,
    gone_extensions: Vec<ObjectId>,
    functions_created: bool,
    /// Foreign keys dropped on their own before their table.
    split_fks: BTreeSet<ObjectId>,
}

fn table_of(id: &ObjectId) -> Option<ObjectId> {
    match id {
        ObjectId::Column { table, .. }
        | ObjectId::Constraint { table, .. }
        | ObjectId::Policy { table, .. } => Some(ObjectId::Table {
            name: table.clone(),
        }),
        _ => None,
    }
}

impl<'a> Planner<'a> {
    fn new(diff: &'a Diff<'a>, new: &'a Catalog, options: PlanOptions) -> Self {
        let old: &Catalog = &diff.base;
        Planner {
            options,
            old,
            new,
            od: Deps::new(old),
            nd: Deps::new(new),
            nodes: Vec::new(),
            created: BTreeSet::new(),
            dropped: BTreeSet::new(),
            recreate: BTreeMap::new(),
            swapped: BTreeMap::new(),
            repoint: BTreeSet::new(),
            reset_default: BTreeSet::new(),
            alters: BTreeMap::new(),
            new_extensions: Vec::new(),
            gone_extensions: Vec::new(),
            functions_created: false,
            split_fks: BTreeSet::new(),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Deciding

    fn classify(&mut self, changes: &[Change]) {
        for change in changes {
            match change {
                Change::Create { id } => {
                    self.created.insert(id.clone());
                }
                Change::Drop { id } => {
                    self.dropped.insert(id.clone());
                }
                Change::Alter { id, attributes } => {
                    if let Some(reason) = self.needs_replacing(id, attributes) {
                        match id {
                            ObjectId::Enum { .. }
                            | ObjectId::Domain { .. }
                            | ObjectId::CompositeType { .. } => {
                                self.swapped.insert(id.clone(), reason);
                            }
                            _ => {
                                self.recreate.insert(id.clone(), reason);
                            }
                        }
                    } else {
                        self.alters.insert(id.clone(), attributes.clone());
                    }
                }
            }
        }
    }

    /// Why an altered object must be replaced rather than altered, if it must.
    fn needs_replacing(&self, id: &ObjectId, attributes: &[Attribute]) -> Option<String> {
        let has = |a: Attribute| attributes.contains(&a);
        match id {
            ObjectId::Enum { name } if has(Attribute::Labels) => {
                let old = &self.old.enums.get(name)?.labels;
                let new = &self.new.enums.get(name)?.labels;
                (!is_subsequence(old, new)).then(|| {
                    let removed: Vec<&String> = old.iter().filter(|l| !new.contains(l)).collect();
                    if removed.is_empty() {
                        "its values are reordered".to_owned()
                    } else {
                        format!(
                            "values {} are removed",
                            removed
                                .iter()
                                .map(|l| sql_literal(l))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }
                })
            }
            ObjectId::Extension { name } if has(Attribute::Version) => {
                let old = &self.old.extensions.get(name)?.version;
                let new = &self.new.extensions.get(name)?.version;
                (version_key(new) < version_key(old))
                    .then(|| format!("extensions have no path down from version {old} to {new}"))
            }
            ObjectId::Domain { .. } if has(Attribute::Definition) => {
                Some("its base type or collation changes".to_owned())
            }
            ObjectId::Column { table, column } if has(Attribute::Generated) => {
                let old = self.old.tables.get(table)?.column(column.as_str())?;
                let new = self.new.tables.get(table)?.column(column.as_str())?;
                // Dropping a generation expression keeps the column (DROP EXPRESSION).
                (new.generated.is_some() || old.generated.is_none())
                    .then(|| "its generation expression changes".to_owned())
            }
            ObjectId::View { name } if has(Attribute::Populated) => {
                let new = self.new.views.get(name)?;
                (!new.populated).then(|| "it is to be created WITH NO DATA".to_owned())
            }
            ObjectId::Policy { table, policy } if has(Attribute::PolicyClauses) => {
                let old = self.old.tables.get(table)?.policies.get(policy)?;
                let new = self.new.tables.get(table)?.policies.get(policy)?;
                if has(Attribute::Definition) {
                    Some("its command or kind changes".to_owned())
                } else {
                    sql::alter_policy(table, old, new)
                        .is_none()
                        .then(|| "a clause is removed".to_owned())
                }
            }
            ObjectId::Table { name } if has(Attribute::Definition) => {
                let old = self.old.tables.get(name)?;
                let new = self.new.tables.get(name)?;
                (!parents_change_in_place(old, new)).then(|| "its partitioning changes".to_owned())
            }
            _ if has(Attribute::Definition) => Some(match id {
                ObjectId::Function { .. } => {
                    "its result type, kind or argument names change".to_owned()
                }
                ObjectId::Table { .. } => "its partitioning or inheritance changes".to_owned(),
                _ => "its definition changes".to_owned(),
            }),
            _ => None,
        }
    }

    /// Whether a table is dropped or dropped and created again (its members go with it).
    fn table_gone(&self, table: &QualifiedName) -> bool {
        let id = ObjectId::Table {
            name: table.clone(),
        };
        self.dropped.contains(&id) || self.recreate.contains_key(&id)
    }

    /// Whether a table is created (or created again) by this plan.
    fn table_fresh(&self, table: &QualifiedName) -> bool {
        let id = ObjectId::Table {
            name: table.clone(),
        };
        self.created.contains(&id) || self.recreate.contains_key(&id)
    }

    /// Whether dropping `id` is implied by dropping what it belongs to.
    fn absorbed_drop(&self, id: &ObjectId) -> bool {
        let relation_gone = |name: &QualifiedName| {
            self.table_gone(name) || {
                let view = ObjectId::View { name: name.clone() };
                self.dropped.contains(&view) || self.recreate.contains_key(&view)
            }
        };
        match id {
            ObjectId::Column { table, .. }
            | ObjectId::Constraint { table, .. }
            | ObjectId::Policy { table, .. } => self.table_gone(table),
            ObjectId::Trigger { id } => relation_gone(&id.table),
            ObjectId::Index { name } => self
                .old
                .indexes
                .get(name)
                .is_some_and(|i| relation_gone(&i.table)),
            ObjectId::Sequence { name } => self
                .old
                .sequences
                .get(name)
                .and_then(|s| s.owned_by.as_ref())
                .is_some_and(|o| {
                    self.table_gone(&o.table)
                        || self.dropped.contains(&deps::column_id(&o.table, &o.column))
                }),
            _ => false,
        }
    }

    /// Whether creating `id` is part of creating the table it belongs to.
    fn absorbed_create(&self, id: &ObjectId) -> bool {
        match id {
            ObjectId::Column { table, .. }
            | ObjectId::Constraint { table, .. }
            | ObjectId::Policy { table, .. } => self.table_fresh(table),
            _ => false,
        }
    }

    fn exists_in_new(&self, id: &ObjectId) -> bool {
        let n = self.new;
        match id {
            ObjectId::Schema { name } => n.schemas.contains_key(name),
            ObjectId::Extension { name } => n.extensions.contains_key(name),
            ObjectId::Collation { name } => n.collations.contains_key(name),
            ObjectId::Enum { name } => n.enums.contains_key(name),
            ObjectId::Domain { name } => n.domains.contains_key(name),
            ObjectId::CompositeType { name } => n.composite_types.contains_key(name),
            ObjectId::Sequence { name } => n.sequences.contains_key(name),
            ObjectId::Function { id } => n.functions.contains_key(id),
            ObjectId::Table { name } => n.tables.contains_key(name),
            ObjectId::Column { table, column } => n
                .tables
                .get(table)
                .is_some_and(|t| t.column(column.as_str()).is_some()),
            ObjectId::Constraint { table, constraint } => n
                .tables
                .get(table)
                .is_some_and(|t| t.constraints.contains_key(constraint)),
            ObjectId::Index { name } => n.indexes.contains_key(name),
            ObjectId::View { name } => n.views.contains_key(name),
            ObjectId::Trigger { id } => n.triggers.contains_key(id),
            ObjectId::Policy { table, policy } => n
                .tables
                .get(table)
                .is_some_and(|t| t.policies.contains_key(policy)),
        }
    }

    /// Columns whose type changes in place: what depends on them is created again.
    fn retyped_columns(&self) -> Vec<ObjectId> {
        self.alters
            .iter()
            .filter(|(id, attrs)| {
                matches!(id, ObjectId::Column { .. })
                    && (attrs.contains(&Attribute::DataType)
                        || attrs.contains(&Attribute::Collation))
            })
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Whether `z`, which uses a column whose type changes in place, is carried over by
    /// `ALTER COLUMN ... TYPE` itself: PostgreSQL rebuilds the indexes and re-adds the check,
    /// key and exclusion constraints on the column from their definitions (keeping an index
    /// and skipping a foreign key's check when the change is binary coercible, as widening a
    /// varchar is), so dropping and creating them again would only cost a rebuild. Views,
    /// policies, triggers and generated columns must still be dropped first: PostgreSQL refuses
    /// the change while they exist.
    fn follows_type_change(&self, z: &ObjectId) -> bool {
        match z {
            ObjectId::Index { name } => self
                .old
                .indexes
                .get(name)
                .is_some_and(|index| self.old.tables.contains_key(&index.table)),
            ObjectId::Constraint { table, constraint } => self
                .old
                .tables
                .get(table)
                .and_then(|t| t.constraints.get(constraint))
                .is_some_and(|c| {
                    matches!(
                        c.kind,
                        ConstraintKind::Check { .. }
                            | ConstraintKind::PrimaryKey { .. }
                            | ConstraintKind::Unique { .. }
                            | ConstraintKind::ForeignKey { .. }
                            | ConstraintKind::Exclusion { .. }
                    )
                }),
            _ => false,
        }
    }

    /// Everything that depends on what is dropped, replaced or retyped follows it.
    fn cascade(&mut self) {
        let mut work: Vec<ObjectId> = self
            .dropped
            .iter()
            .chain(self.recreate.keys())
            .chain(self.swapped.keys())
            .cloned()
            .collect();
        let retyped: BTreeSet<ObjectId> = self.retyped_columns().into_iter().collect();
        work.extend(retyped.iter().cloned());
        let mut seen: BTreeSet<ObjectId> = work.iter().cloned().collect();
        while let Some(x) = work.pop() {
            let dependents: Vec<ObjectId> = self.od.dependents(&x).into_iter().collect();
            for z in dependents {
                if retyped.contains(&x) && self.follows_type_change(&z) {
                    continue;
                }
                if self.dropped.contains(&z)
                    || self.recreate.contains_key(&z)
                    || self.swapped.contains_key(&z)
                    || !self.exists_in_new(&z)
                {
                    continue;
                }
                if let Some(t) = table_of(&z)
                    && (self.recreate.contains_key(&t) || self.dropped.contains(&t))
                {
                    continue;
                }
                let why = format!("it depends on {}", sql::describe(&x));
                match (&z, &x) {
                    // A column never goes away because of what it uses.
                    (ObjectId::Column { table, column }, _) => {
                        let is_type = matches!(
                            x,
                            ObjectId::Enum { .. }
                                | ObjectId::Domain { .. }
                                | ObjectId::CompositeType { .. }
                        );
                        let generated = self
                            .old
                            .tables
                            .get(table)
                            .and_then(|t| t.column(column.as_str()))
                            .is_some_and(|c| c.generated.is_some());
                        if is_type && self.swapped.contains_key(&x) {
                            if self.repoint.insert(z.clone()) && seen.insert(z.clone()) {
                                work.push(z.clone());
                            }
                        } else if generated && !matches!(x, ObjectId::Table { .. }) {
                            self.recreate.insert(z.clone(), why);
                        } else if matches!(x, ObjectId::Function { .. } | ObjectId::Sequence { .. })
                        {
                            self.reset_default.insert(z.clone());
                        }
                    }
                    // Types that use a swapped type are swapped too.
                    (ObjectId::Domain { .. } | ObjectId::CompositeType { .. }, _) => {
                        self.swapped.insert(z.clone(), why);
                        if seen.insert(z.clone()) {
                            work.push(z.clone());
                        }
                    }
                    // A sequence only depends on its schema.
                    (ObjectId::Sequence { .. } | ObjectId::Extension { .. }, _) => {}
                    (ObjectId::Table { .. }, ObjectId::Table { .. })
                        if !self.recreate.contains_key(&x) =>
                    {
                        // A child of a table that is only dropped? Cannot stay; the diff
                        // drops it too. A child of a retyped table follows the parent.
                    }
                    _ => {
                        self.recreate.insert(z.clone(), why);
                        if seen.insert(z.clone()) {
                            work.push(z.clone());
                        }
                    }
                }
            }
        }
        // A column created again is not also retyped or repointed.
        let recreated: BTreeSet<ObjectId> = self.recreate.keys().cloned().collect();
        self.repoint.retain(|c| !recreated.contains(c));
        self.reset_default.retain(|c| !recreated.contains(c));
        for id in &recreated {
            self.alters.remove(id);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Steps

    fn push(&mut self, node: Node) {
        self.nodes.push(node);
    }

    fn renames(&mut self, renames: &[Rename]) -> Result<(), PlanError> {
        for rename in renames {
            let mut node = match rename {
                Rename::Object { from, to } => {
                    let mut node = Node::new(
                        ChangeKind::Rename,
                        to.clone(),
                        format!("rename {} to {}", sql::describe(from), sql::describe(to)),
                        0,
                    )
                    .sql([sql::rename(self.old, from, to)?]);
                    node.frees.push(slot_of(from));
                    node.takes.push(slot_of(to));
                    node
                }
                Rename::EnumValue { type_id, from, to } => {
                    let ObjectId::Enum { name } = type_id else {
                        continue;
                    };
                    Node::new(
                        ChangeKind::Rename,
                        type_id.clone(),
                        format!(
                            "rename value {} of {} to {}",
                            sql_literal(from),
                            sql::describe(type_id),
                            sql_literal(to)
                        ),
                        0,
                    )
                    .sql([sql::rename_enum_value(name, from, to)])
                }
            };
            node.is_rename = true;
            node.seg = Seg::Early;
            self.push(node);
        }
        Ok(())
    }

    fn emit(&mut self, changes: &[Change]) -> Result<(), PlanError> {
        // Foreign keys between tables that both go are dropped first, on their own: the
        // tables could not be dropped in any order otherwise.
        let gone_tables: Vec<QualifiedName> = self
            .old
            .tables
            .keys()
            .filter(|t| self.table_gone(t))
            .cloned()
            .collect();
        for t in &gone_tables {
            let table = &self.old.tables[t];
            for c in table.constraints.values() {
                if let ConstraintKind::ForeignKey { references, .. } = &c.kind
                    && references != t
                    && self.table_gone(references)
                {
                    let id = ObjectId::Constraint {
                        table: t.clone(),
                        constraint: c.name.clone(),
                    };
                    self.split_fks.insert(id.clone());
                    let node = self.drop_node(&id, ChangeKind::Drop, None)?;
                    self.push(node);
                }
            }
        }
        // Drops.
        let dropped: Vec<ObjectId> = self.dropped.iter().cloned().collect();
        for id in &dropped {
            if self.absorbed_drop(id) {
                continue;
            }
            let node = self.drop_node(id, ChangeKind::Drop, None)?;
            self.push(node);
        }
        // Created and created again.
        let recreate: Vec<(ObjectId, String)> = self
            .recreate
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (id, why) in &recreate {
            if !self.absorbed_drop(id) {
                let node = self.drop_node(id, ChangeKind::Recreate, Some(why))?;
                self.push(node);
            }
            if !self.absorbed_create(id) {
                self.create_nodes(id, ChangeKind::Recreate, Some(why))?;
            }
        }
        let created: Vec<ObjectId> = self.created.iter().cloned().collect();
        for id in &created {
            if !self.absorbed_create(id) {
                self.create_nodes(id, ChangeKind::Create, None)?;
            }
        }
        // Swapped types.
        let swapped: Vec<(ObjectId, String)> = self
            .swapped
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (id, why) in &swapped {
            self.swap_nodes(id, why)?;
        }
        let repoint: Vec<ObjectId> = self.repoint.iter().cloned().collect();
        for id in &repoint {
            if !self.alters.contains_key(id) {
                self.alters.insert(id.clone(), vec![Attribute::DataType]);
            }
        }
        // In place.
        let alters: Vec<(ObjectId, Vec<Attribute>)> = self
            .alters
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (id, attributes) in &alters {
            if let Some(t) = table_of(id)
                && self.table_fresh(t.parent_name())
            {
                continue;
            }
            self.alter_nodes(id, attributes)?;
        }
        // A column whose default changes anyway lets go of the old one in its own step.
        let resets: Vec<ObjectId> = self
            .reset_default
            .iter()
            .filter(|c| {
                !self.alters.get(*c).is_some_and(|a| {
                    a.contains(&Attribute::Default) || a.contains(&Attribute::DataType)
                })
            })
            .cloned()
            .collect();
        for id in &resets {
            self.reset_default_nodes(id)?;
        }
        let _ = changes;
        Ok(())
    }

    /// The step that drops an object of the old catalog.
    fn drop_node(
        &self,
        id: &ObjectId,
        kind: ChangeKind,
        why: Option<&String>,
    ) -> Result<Node, PlanError> {
        let summary = match why {
            Some(why) => format!("drop {} to create it again: {why}", sql::describe(id)),
            None => format!("drop {}", sql::describe(id)),
        };
        let statement = match id {
            ObjectId::Column { table, column } if self.children_keep(table, column) => {
                sql::drop_column_keeping_children(table, column)
            }
            _ => sql::drop(self.old, id)?,
        };
        let mut node = Node::new(kind, id.clone(), summary, drop_rank(id)).sql([statement]);
        node.is_drop = true;
        let mut members = vec![id.clone()];
        if let ObjectId::Table { name } = id
            && let Some(t) = self.old.tables.get(name)
        {
            members.extend(
                deps::table_members(t)
                    .into_iter()
                    .filter(|m| !self.split_fks.contains(m)),
            );
            // Sequences it owns that stay are released from it first.
            for s in self.old.sequences.values() {
                if let Some(owner) = &s.owned_by
                    && &owner.table == name
                    && self.new.sequences.contains_key(&s.name)
                {
                    let seq = ObjectId::Sequence {
                        name: s.name.clone(),
                    };
                    if !self.dropped.contains(&seq) {
                        let mut disown = s.clone();
                        disown.owned_by = None;
                        node.step
                            .statements
                            .insert(0, sql::sequence_owned_by(&disown));
                    }
                }
            }
        }
        // Sequences owned by what is dropped go with it: whoever uses them lets go first.
        for s in self.old.sequences.values() {
            if let Some(owner) = &s.owned_by {
                let column = deps::column_id(&owner.table, &owner.column);
                let seq = ObjectId::Sequence {
                    name: s.name.clone(),
                };
                if members.contains(&column) && self.dropped.contains(&seq) {
                    node.touches.push(seq);
                }
            }
        }
        for m in &members {
            node.touches.push(m.clone());
            node.releases.extend(self.od.of(m));
            node.frees.push(slot_of(m));
        }
        if let ObjectId::Constraint { table, constraint } = id
            && self.has_index(self.old, table, constraint)
        {
            node.frees.push(Slot::Name(QualifiedName::new(
                table.schema.clone(),
                constraint.clone(),
            )));
        }
        node.releases.retain(|r| !members.contains(r));
        node.releases.extend(self.gone_extensions_of(id));
        match id {
            ObjectId::Table { name } => {
                node.hazard(
                    Hazard::DataLoss,
                    format!("drops table {} and every row in it", quote(name)),
                );
            }
            ObjectId::Column { table, column } => {
                node.hazard(
                    Hazard::DataLoss,
                    format!(
                        "drops column {}.{} and its values",
                        quote(table),
                        retort_sql::quote::quote_ident(column.as_str())
                    ),
                );
                node.hazard(
                    Hazard::AccessExclusiveLock,
                    format!("locks table {}", quote(table)),
                );
            }
            ObjectId::View { name }
                if self.old.views.get(name).is_some_and(|v| v.materialized) && why.is_none() =>
            {
                node.hazard(
                    Hazard::DataLoss,
                    format!("drops materialized view {} and its rows", quote(name)),
                );
            }
            ObjectId::Sequence { name } => node.hazard(
                Hazard::DataLoss,
                format!("drops sequence {} and its current value", quote(name)),
            ),
            _ => {}
        }
        Ok(node)
    }

    /// Whether an inheritance child keeps a column its parent drops (as a column of its own).
    fn children_keep(&self, table: &QualifiedName, column: &Ident) -> bool {
        self.old.tables.values().any(|child| {
            child.inherits.contains(table)
                && self
                    .new
                    .tables
                    .get(&child.name)
                    .is_some_and(|t| t.column(column.as_str()).is_some())
        })
    }

    fn gone_extensions_of(&self, id: &ObjectId) -> Vec<ObjectId> {
        if matches!(id, ObjectId::Extension { .. } | ObjectId::Schema { .. }) {
            Vec::new()
        } else {
            self.gone_extensions.clone()
        }
    }

    fn has_index(&self, catalog: &Catalog, table: &QualifiedName, constraint: &Ident) -> bool {
        catalog
            .tables
            .get(table)
            .and_then(|t| t.constraints.get(constraint))
            .is_some_and(|c| {
                matches!(
                    c.kind,
                    ConstraintKind::PrimaryKey { .. }
                        | ConstraintKind::Unique { .. }
                        | ConstraintKind::Exclusion { .. }
                )
            })
    }

    /// Whether a table exists before the migration (and is not created again).
    fn table_existing(&self, table: &QualifiedName) -> bool {
        self.old.tables.contains_key(table) && !self.table_fresh(table)
    }

    /// The steps that create an object of the new catalog (a table with its constraints and
    /// policies, a sequence with its owner).
    fn create_nodes(
        &mut self,
        id: &ObjectId,
        kind: ChangeKind,
        why: Option<&String>,
    ) -> Result<(), PlanError> {
        let summary = match why {
            Some(why) => format!("create {} again: {why}", sql::describe(id)),
            None => format!("create {}", sql::describe(id)),
        };
        let mut statements = sql::create(self.new, id)?;
        let mut provides = vec![id.clone()];
        let mut extra: Vec<ObjectId> = Vec::new();
        match id {
            ObjectId::Table { name } => {
                let t = self.new.tables.get(name).ok_or_else(|| missing(id))?;
                for c in &t.columns {
                    provides.push(deps::column_id(name, &c.name));
                }
                for c in t.constraints.values() {
                    let cid = ObjectId::Constraint {
                        table: name.clone(),
                        constraint: c.name.clone(),
                    };
                    if sql::is_inline_check(c) {
                        provides.push(cid);
                    } else {
                        extra.push(cid);
                    }
                }
                for p in t.policies.values() {
                    extra.push(ObjectId::Policy {
                        table: name.clone(),
                        policy: p.name.clone(),
                    });
                }
                if !sql::table_index_settings(t).is_empty() {
                    let settings = sql::table_index_settings(t);
                    let mut n = Node::new(
                        kind,
                        id.clone(),
                        format!(
                            "set replica identity and cluster index of {}",
                            sql::describe(id)
                        ),
                        create_rank(id) + 20,
                    )
                    .sql(settings);
                    n.needs.push(id.clone());
                    for i in self.new.indexes.values().filter(|i| &i.table == name) {
                        n.needs.push(ObjectId::Index {
                            name: i.name.clone(),
                        });
                    }
                    for c in t.constraints.keys() {
                        n.needs.push(ObjectId::Constraint {
                            table: name.clone(),
                            constraint: c.clone(),
                        });
                    }
                    self.push(n);
                }
            }
            ObjectId::Sequence { name } => {
                let s = self.new.sequences.get(name).ok_or_else(|| missing(id))?;
                if s.owned_by.is_some() {
                    let owner = s.owned_by.clone().ok_or_else(|| missing(id))?;
                    let mut n = Node::new(
                        kind,
                        id.clone(),
                        format!("make {} owned by its column", sql::describe(id)),
                        create_rank(&ObjectId::Column {
                            table: owner.table.clone(),
                            column: owner.column.clone(),
                        }) + 1,
                    )
                    .sql([sql::sequence_owned_by(s)]);
                    n.needs.push(id.clone());
                    n.needs.push(deps::column_id(&owner.table, &owner.column));
                    self.push(n);
                }
            }
            ObjectId::Function { .. } => self.functions_created = true,
            ObjectId::Extension { .. } => self.new_extensions.push(id.clone()),
            _ => {}
        }
        if matches!(id, ObjectId::Function { .. }) {
            // Nothing else to add: comments come with the function.
        }
        let mut node = Node::new(kind, id.clone(), summary, create_rank(id));
        node.step.statements.append(&mut statements);
        let mut needs: BTreeSet<ObjectId> = BTreeSet::new();
        for p in &provides {
            needs.extend(self.nd.of(p));
        }
        for p in &provides {
            needs.remove(p);
        }
        node.needs.extend(needs);
        node.takes.push(slot_of(id));
        if let ObjectId::Constraint { table, constraint } = id
            && self.has_index(self.new, table, constraint)
        {
            node.takes.push(Slot::Name(QualifiedName::new(
                table.schema.clone(),
                constraint.clone(),
            )));
        }
        node.provides = provides;
        self.creation_hazards(id, &mut node);
        self.push(node);
        for e in extra {
            self.create_nodes(&e, kind, None)?;
        }
        Ok(())
    }

    fn creation_hazards(&self, id: &ObjectId, node: &mut Node) {
        match id {
            ObjectId::Index { name } => {
                if let Some(i) = self.new.indexes.get(name)
                    && self.table_existing(&i.table)
                {
                    node.hazard(
                        Hazard::IndexBuild,
                        format!(
                            "builds an index on {}; writes to it wait until it is done",
                            quote(&i.table)
                        ),
                    );
                }
            }
            ObjectId::Constraint { table, constraint } if self.table_existing(table) => {
                let kind = self
                    .new
                    .tables
                    .get(table)
                    .and_then(|t| t.constraints.get(constraint))
                    .map(|c| &c.kind);
                match kind {
                    Some(ConstraintKind::PrimaryKey { .. })
                    | Some(ConstraintKind::Unique { .. })
                    | Some(ConstraintKind::Exclusion { .. }) => {
                        node.hazard(
                            Hazard::IndexBuild,
                            format!("builds the constraint's index on {}", quote(table)),
                        );
                        node.hazard(
                            Hazard::AccessExclusiveLock,
                            format!("locks table {} while the index is built", quote(table)),
                        );
                    }
                    Some(ConstraintKind::Check { .. }) => node.hazard(
                        Hazard::AccessExclusiveLock,
                        format!("locks table {} while every row is checked", quote(table)),
                    ),
                    _ => {}
                }
            }
            ObjectId::Column { table, column } if self.table_existing(table) => {
                node.hazard(
                    Hazard::AccessExclusiveLock,
                    format!("locks table {}", quote(table)),
                );
                let volatile = self
                    .new
                    .tables
                    .get(table)
                    .and_then(|t| t.column(column.as_str()))
                    .is_some_and(|c| {
                        c.generated.is_some()
                            || c.identity.is_some()
                            || c.default
                                .as_ref()
                                .is_some_and(|d| !types::is_constant(d.as_str()))
                    });
                if volatile {
                    node.hazard(
                        Hazard::TableRewrite,
                        format!(
                            "fills the new column of {} row by row (its default is not a constant)",
                            quote(table)
                        ),
                    );
                }
            }
            _ => {}
        }
    }

    /// Rename the old type out of the way, create the new one, drop the old one once every
    /// column is converted.
    fn swap_nodes(&mut self, id: &ObjectId, why: &str) -> Result<(), PlanError> {
        let name = id.parent_name().clone();
        let away = Ident::new(swap_name(&name.name));
        let away_name = QualifiedName::new(name.schema.clone(), away.clone());
        let mut rename = Node::new(
            ChangeKind::Recreate,
            id.clone(),
            format!(
                "rename {} out of the way to replace it: {why}",
                sql::describe(id)
            ),
            drop_rank(id),
        )
        .sql([sql::rename_type_to(&name, id, &away)]);
        rename.touches_after_drops.push(id.clone());
        rename.frees.push(slot_of(id));
        self.push(rename);

        let mut create = Node::new(
            ChangeKind::Recreate,
            id.clone(),
            format!("create {} again: {why}", sql::describe(id)),
            create_rank(id),
        )
        .sql(sql::create(self.new, id)?);
        create.takes.push(slot_of(id));
        create.provides.push(id.clone());
        create.needs.extend(self.nd.of(id));
        self.push(create);

        let mut drop = Node::new(
            ChangeKind::Recreate,
            id.clone(),
            format!("drop the old {}", sql::describe(id)),
            drop_rank(id),
        )
        .sql([sql::drop_type(&away_name, id)]);
        drop.touches.push(id.clone());
        drop.releases.extend(self.od.of(id));
        if let ObjectId::Enum { name } = id
            && let (Some(o), Some(n)) = (self.old.enums.get(name), self.new.enums.get(name))
        {
            let removed: Vec<String> = o
                .labels
                .iter()
                .filter(|l| !n.labels.contains(l))
                .map(|l| sql_literal(l))
                .collect();
            if !removed.is_empty() {
                drop.hazard(
                    Hazard::DataLoss,
                    format!(
                        "removes values {} of {}; converting a row that holds one fails",
                        removed.join(", "),
                        quote(name)
                    ),
                );
            }
        }
        // The converted columns must be done before the old type goes.
        for c in &self.repoint {
            if self.od.of(c).contains(id) {
                drop.needs.push(c.clone());
            }
        }
        self.push(drop);
        Ok(())
    }

    fn reset_default_nodes(&mut self, id: &ObjectId) -> Result<(), PlanError> {
        let ObjectId::Column { table, column } = id else {
            return Ok(());
        };
        let (Some(o), Some(n)) = (
            self.old
                .tables
                .get(table)
                .and_then(|t| t.column(column.as_str())),
            self.new
                .tables
                .get(table)
                .and_then(|t| t.column(column.as_str())),
        ) else {
            return Ok(());
        };
        if o.default.is_some() {
            let mut drop = Node::new(
                ChangeKind::Recreate,
                id.clone(),
                format!(
                    "drop the default of {} while what it calls is created again",
                    sql::describe(id)
                ),
                drop_rank(id),
            )
            .sql([sql::set_default(table, column, None)]);
            drop.releases.extend(
                self.od
                    .of(id)
                    .into_iter()
                    .filter(|d| !matches!(d, ObjectId::Table { .. })),
            );
            self.push(drop);
        }
        if n.default.is_some() {
            let mut set = Node::new(
                ChangeKind::Recreate,
                id.clone(),
                format!("set the default of {} again", sql::describe(id)),
                create_rank(id),
            )
            .sql([sql::set_default(table, column, n.default.as_ref())]);
            set.needs.extend(self.nd.of(id));
            self.push(set);
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Finishing

    fn finish(mut self) -> Result<Plan, PlanError> {
        // Extensions come before, and go after, everything else.
        let new_ext = self.new_extensions.clone();
        let gone_ext: Vec<ObjectId> = self
            .dropped
            .iter()
            .filter(|d| matches!(d, ObjectId::Extension { .. }))
            .cloned()
            .collect();
        for n in &mut self.nodes {
            let obj = &n.step.cause.object;
            if matches!(obj, ObjectId::Extension { .. } | ObjectId::Schema { .. }) {
                continue;
            }
            if n.step.cause.change != ChangeKind::Drop {
                n.needs.extend(new_ext.iter().cloned());
            }
            n.releases.extend(gone_ext.iter().cloned());
        }

        let order = crate::order::order(&self.nodes)?;
        let concurrent = self.concurrent_index_builds();
        let mut nodes: Vec<Option<Node>> = self.nodes.into_iter().map(Some).collect();
        let ordered: Vec<Node> = order.into_iter().filter_map(|i| nodes[i].take()).collect();
        let (late, ordered): (Vec<Node>, Vec<Node>) = ordered
            .into_iter()
            .partition(|n| concurrent.contains_key(&n.step.cause.object));

        // A separate first transaction is needed when a value added to an enum is used by a
        // later step (PostgreSQL refuses a new value in the transaction that added it).
        let added: Vec<String> = ordered
            .iter()
            .filter(|n| n.seg == Seg::Early && !n.is_rename)
            .flat_map(|n| n.step.statements.iter())
            .filter_map(|s| added_label(s))
            .collect();
        let split = ordered.iter().any(|n| n.seg == Seg::Main)
            && ordered
                .iter()
                .filter(|n| n.seg == Seg::Main)
                .flat_map(|n| n.step.statements.iter())
                .any(|s| added.iter().any(|l| s.contains(l.as_str())));
        let settings = if self.functions_created {
            vec![sql::defer_function_body_checks()]
        } else {
            Vec::new()
        };
        let mut plan = Plan::default();
        if split {
            let (early, main): (Vec<Node>, Vec<Node>) =
                ordered.into_iter().partition(|n| n.seg == Seg::Early);
            plan.segments.push(Segment {
                transactional: true,
                settings: Vec::new(),
                steps: early.into_iter().map(|n| n.step).collect(),
            });
            plan.segments.push(Segment {
                transactional: true,
                settings,
                steps: main.into_iter().map(|n| n.step).collect(),
            });
        } else {
            plan.segments.push(Segment {
                transactional: true,
                settings,
                steps: ordered.into_iter().map(|n| n.step).collect(),
            });
        }
        if !late.is_empty() {
            let steps = late
                .into_iter()
                .filter_map(|mut n| {
                    let statements = concurrent.get(&n.step.cause.object)?.clone();
                    n.step.statements = statements;
                    n.step.hazards.retain(|h| h.hazard != Hazard::IndexBuild);
                    n.step.hazards.push(crate::hazard::HazardNote {
                        hazard: Hazard::NotTransactional,
                        detail: "builds the index concurrently, outside a transaction: writes \
                                 go on meanwhile; a build that fails leaves an invalid index \
                                 to drop before running it again"
                            .to_owned(),
                    });
                    Some(n.step)
                })
                .collect();
            plan.segments.push(Segment {
                transactional: false,
                settings: Vec::new(),
                steps,
            });
        }
        plan.segments.retain(|s| !s.steps.is_empty());
        Ok(plan)
    }

    /// With [`PlanOptions::concurrent_indexes`], the indexes created on tables that exist and
    /// stay, with the statements that build them concurrently: not on partitioned tables
    /// (PostgreSQL cannot), not `ON ONLY`, and none that another step needs (a constraint
    /// `USING INDEX`, `CLUSTER ON`, a replica identity).
    fn concurrent_index_builds(&self) -> BTreeMap<ObjectId, Vec<String>> {
        let mut out = BTreeMap::new();
        if !self.options.concurrent_indexes {
            return out;
        }
        let needed: BTreeSet<&ObjectId> = self.nodes.iter().flat_map(|n| n.needs.iter()).collect();
        for node in &self.nodes {
            let id = &node.step.cause.object;
            let ObjectId::Index { name } = id else {
                continue;
            };
            if node.step.cause.change != ChangeKind::Create || needed.contains(id) {
                continue;
            }
            let Some(index) = self.new.indexes.get(name) else {
                continue;
            };
            let table = ObjectId::Table {
                name: index.table.clone(),
            };
            let kept = self.old.tables.contains_key(&index.table)
                && !self.dropped.contains(&table)
                && !self.recreate.contains_key(&table);
            let partitioned = self
                .new
                .tables
                .get(&index.table)
                .is_none_or(|t| t.partition_by.is_some() || t.partition_of.is_some());
            if !kept || partitioned || index.only {
                continue;
            }
            if let Ok(statements) = sql::create_index_concurrently(self.new, name) {
                out.insert(id.clone(), statements);
            }
        }
        out
    }
}

/// The label literal an `ADD VALUE` statement adds.
fn added_label(statement: &str) -> Option<String> {
    let rest = statement.split(" ADD VALUE ").nth(1)?;
    let end = rest
        .find(" BEFORE ")
        .or_else(|| rest.find(" AFTER "))
        .unwrap_or(rest.len());
    Some(rest[..end].to_owned())
}

/// Whether a table's new parents can be given by ATTACH/DETACH PARTITION and INHERIT/NO
/// INHERIT (its own partitioning stays, and it is not both a partition and a child).
pub(crate) fn parents_change_in_place(old: &Table, new: &Table) -> bool {
    let partition = old.partition_of.is_some() || new.partition_of.is_some();
    let inherits = !old.inherits.is_empty() || !new.inherits.is_empty();
    old.partition_by == new.partition_by && !(partition && inherits)
}

/// A version string compared part by part, numbers as numbers (`1.10` after `1.9`).
fn version_key(version: &str) -> Vec<(u64, String)> {
    version
        .split(['.', '-'])
        .map(|part| {
            let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
            (digits.parse().unwrap_or(0), part[digits.len()..].to_owned())
        })
        .collect()
}

fn is_subsequence(old: &[String], new: &[String]) -> bool {
    let mut it = new.iter();
    old.iter().all(|l| it.any(|n| n == l))
}

pub(crate) fn sql_literal(s: &str) -> String {
    retort_sql::quote::quote_literal(s)
}

pub(crate) fn quote(name: &QualifiedName) -> String {
    retort_sql::quote::quote_qualified(name)
}

fn missing(id: &ObjectId) -> PlanError {
    PlanError::Unsupported(format!("{} is not in the catalog", sql::describe(id)))
}

/// The name an old type is renamed to while it is replaced (63 bytes at most).
fn swap_name(name: &Ident) -> String {
    let suffix = "__retort_old";
    let mut base = name.as_str().to_owned();
    while base.len() + suffix.len() > 63 {
        base.pop();
    }
    format!("{base}{suffix}")
}

pub(crate) fn column<'c>(catalog: &'c Catalog, id: &ObjectId) -> Option<(&'c Table, &'c Column)> {
    let ObjectId::Column { table, column } = id else {
        return None;
    };
    let t = catalog.tables.get(table)?;
    Some((t, t.column(column.as_str())?))
}

/// Ids that name something in a schema: the name part.
trait ParentName {
    fn parent_name(&self) -> &QualifiedName;
}

impl ParentName for ObjectId {
    fn parent_name(&self) -> &QualifiedName {
        match self {
            ObjectId::Table { name }
            | ObjectId::View { name }
            | ObjectId::Sequence { name }
            | ObjectId::Index { name }
            | ObjectId::Enum { name }
            | ObjectId::Domain { name }
            | ObjectId::CompositeType { name }
            | ObjectId::Collation { name } => name,
            ObjectId::Column { table, .. }
            | ObjectId::Constraint { table, .. }
            | ObjectId::Policy { table, .. } => table,
            ObjectId::Trigger { id } => &id.table,
            ObjectId::Function { .. } | ObjectId::Schema { .. } | ObjectId::Extension { .. } => {
                static EMPTY: std::sync::OnceLock<QualifiedName> = std::sync::OnceLock::new();
                EMPTY.get_or_init(|| QualifiedName::new("", ""))
            }
        }
    }
}
