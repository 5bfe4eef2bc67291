//! Renaming a relation or a type (`ALTER {TABLE | VIEW | MATERIALIZED VIEW | SEQUENCE | INDEX |
//! TYPE | DOMAIN} … RENAME TO`): the object moves to its new name, and every reference to it
//! follows, as PostgreSQL's references by OID do: structural ones (foreign keys, parents,
//! index tables, owners, triggers, dependencies, `TypeRef::user_type`) and the canonical SQL
//! text that prints the name (types, defaults, generated and check expressions, index keys and
//! predicates, policies, trigger conditions, view queries, function signatures and
//! SQL-standard bodies). Bodies kept as text (plpgsql, `AS '…'`) are not rewritten, as the
//! server does not rewrite them either.

use retort_catalog::{
    ConstraintKind, FunctionId, Ident, IndexKey, ObjectRef, QualifiedName, ReplicaIdentity,
    SqlExpr, TypeRef,
};
use retort_sql::rename::{rename_qualified_in, rename_relation_in_query};
use sqlparser::ast::{Ident as SqlIdent, ObjectName};

use super::names::Taken;
use super::{Loader, Problem, Result, display, fold_ident};

/// Which relations a rename statement may name.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum RelationRename {
    /// `ALTER TABLE`: any relation.
    Any,
    Index,
    View,
    MaterializedView,
    Sequence,
}

/// What is being renamed, once resolved.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Renamed {
    Table,
    View,
    Sequence,
    Index,
    /// The index of a primary key, unique or exclusion constraint of this table.
    ConstraintIndex,
    /// The sequence of an identity column (kept with the column).
    IdentitySequence,
    Enum,
    Domain,
    Composite,
}

impl Renamed {
    fn is_relation(self) -> bool {
        !matches!(self, Renamed::Enum | Renamed::Domain | Renamed::Composite)
    }
}

/// Rewrites the references to `from` in canonical text.
struct Rewrite<'a> {
    from: &'a QualifiedName,
    to: &'a QualifiedName,
    /// A relation: queries also qualify columns with its name.
    relation: bool,
}

impl Rewrite<'_> {
    fn text(&self, text: &mut String) -> Result<()> {
        let new = if self.relation {
            rename_relation_in_query(text, self.from, self.to).map_err(|_| {
                Problem::new(format!(
                    "renaming \"{}\" changes the names a query gives its relations in ways \
                     not read offline (another relation is read as \"{}\", or a repeated \
                     name is numbered): use a development database",
                    self.from, self.to.name
                ))
            })?
        } else {
            rename_qualified_in(text, self.from, self.to)
        };
        if let Some(new) = new {
            *text = new;
        }
        Ok(())
    }

    fn expr(&self, e: &mut SqlExpr) -> Result<()> {
        self.text(&mut e.0)
    }

    fn opt(&self, e: &mut Option<SqlExpr>) -> Result<()> {
        match e {
            Some(e) => self.expr(e),
            None => Ok(()),
        }
    }

    fn type_ref(&self, t: &mut TypeRef) {
        if t.user_type.as_ref() == Some(self.from) {
            t.user_type = Some(self.to.clone());
        }
        if let Some(new) = rename_qualified_in(&t.sql, self.from, self.to) {
            t.sql = new;
        }
    }

    fn name(&self, q: &mut QualifiedName) {
        if q == self.from {
            *q = self.to.clone();
        }
    }

    fn object_ref(&self, r: ObjectRef) -> ObjectRef {
        match r {
            ObjectRef::Relation { name } if &name == self.from => ObjectRef::Relation {
                name: self.to.clone(),
            },
            ObjectRef::Type { name } if &name == self.from => ObjectRef::Type {
                name: self.to.clone(),
            },
            other => other,
        }
    }
}

impl Loader {
    /// `ALTER {TABLE | INDEX | VIEW | MATERIALIZED VIEW | SEQUENCE} [IF EXISTS] name RENAME TO
    /// new`.
    pub(crate) fn rename_relation(
        &mut self,
        kind: RelationRename,
        name: &ObjectName,
        if_exists: bool,
        new: &SqlIdent,
    ) -> Result<()> {
        let c = &self.catalog;
        let constraint_index = |q: &QualifiedName| {
            c.tables.values().find_map(|t| {
                let has_index = t.name.schema == q.schema
                    && t.constraints.get(&q.name).is_some_and(|c| {
                        matches!(
                            c.kind,
                            ConstraintKind::PrimaryKey { .. }
                                | ConstraintKind::Unique { .. }
                                | ConstraintKind::Exclusion { .. }
                        )
                    });
                has_index.then(|| t.name.clone())
            })
        };
        let kind_of = |q: &QualifiedName| -> Option<Renamed> {
            let found = if c.tables.contains_key(q) {
                Renamed::Table
            } else if c.views.contains_key(q) {
                Renamed::View
            } else if c.sequences.contains_key(q) {
                Renamed::Sequence
            } else if c.indexes.contains_key(q) {
                Renamed::Index
            } else if constraint_index(q).is_some() {
                Renamed::ConstraintIndex
            } else if c.tables.values().any(|t| {
                t.columns
                    .iter()
                    .any(|col| col.identity.as_ref().is_some_and(|i| &i.sequence_name == q))
            }) {
                Renamed::IdentitySequence
            } else {
                return None;
            };
            Some(found)
        };
        let Some(from) = self.resolve(name, |q| kind_of(q).is_some())? else {
            if if_exists {
                return Ok(());
            }
            let what = match kind {
                RelationRename::Any => "relation",
                RelationRename::Index => "index",
                RelationRename::View => "view",
                RelationRename::MaterializedView => "materialized view",
                RelationRename::Sequence => "sequence",
            };
            return Err(Problem::new(format!(
                "{what} \"{}\" does not exist",
                display(name)
            )));
        };
        let Some(renamed) = kind_of(&from) else {
            return Err(Problem::new(format!(
                "relation \"{}\" does not exist",
                display(name)
            )));
        };
        // `ALTER INDEX … RENAME` renames any relation, as `ALTER TABLE` does.
        let fits = match kind {
            RelationRename::Any | RelationRename::Index => true,
            RelationRename::View | RelationRename::MaterializedView => {
                let materialized = kind == RelationRename::MaterializedView;
                self.catalog
                    .views
                    .get(&from)
                    .is_some_and(|v| v.materialized == materialized)
            }
            RelationRename::Sequence => {
                matches!(renamed, Renamed::Sequence | Renamed::IdentitySequence)
            }
        };
        if !fits {
            let what = match kind {
                RelationRename::View => "a view",
                RelationRename::MaterializedView => "a materialized view",
                _ => "a sequence",
            };
            return Err(Problem::new(format!("\"{}\" is not {what}", from.name)));
        }
        let owner = constraint_index(&from);
        self.rename_object(&from, renamed, fold_ident(new), owner)
    }

    /// `ALTER {TYPE | DOMAIN} name RENAME TO new` of a type already resolved.
    pub(crate) fn rename_type(&mut self, from: &QualifiedName, new: &SqlIdent) -> Result<()> {
        let c = &self.catalog;
        let renamed = if c.enums.contains_key(from) {
            Renamed::Enum
        } else if c.domains.contains_key(from) {
            Renamed::Domain
        } else if c.composite_types.contains_key(from) {
            Renamed::Composite
        } else {
            return Err(Problem::new(format!("type \"{from}\" does not exist")));
        };
        self.rename_object(from, renamed, fold_ident(new), None)
    }

    fn rename_object(
        &mut self,
        from: &QualifiedName,
        renamed: Renamed,
        new: Ident,
        constraint_table: Option<QualifiedName>,
    ) -> Result<()> {
        let to = QualifiedName::new(from.schema.clone(), new.clone());
        if &to == from {
            return Ok(());
        }
        let relation_taken = self
            .taken(to.schema.as_str())
            .relation_taken(to.name.as_str())
            || self.catalog.tables.values().any(|t| {
                t.columns
                    .iter()
                    .any(|col| col.identity.as_ref().is_some_and(|i| i.sequence_name == to))
            });
        let type_taken = {
            let c = &self.catalog;
            c.enums.contains_key(&to)
                || c.domains.contains_key(&to)
                || c.composite_types.contains_key(&to)
                || c.tables.contains_key(&to)
                || c.views.contains_key(&to)
                || c.sequences.contains_key(&to)
        };
        let has_row_type = matches!(
            renamed,
            Renamed::Table
                | Renamed::View
                | Renamed::Sequence
                | Renamed::IdentitySequence
                | Renamed::Composite
        );
        if renamed.is_relation() || renamed == Renamed::Composite {
            if relation_taken {
                return Err(Problem::new(format!("relation \"{new}\" already exists")));
            }
            if has_row_type && type_taken {
                return Err(Problem::new(format!("type \"{new}\" already exists")));
            }
        } else if type_taken {
            return Err(Problem::new(format!("type \"{new}\" already exists")));
        }
        self.names_changed();
        let c = &mut self.catalog;
        match renamed {
            Renamed::Table => move_to(&mut c.tables, from, &to, |t| t.name = to.clone()),
            Renamed::View => {
                move_to(&mut c.views, from, &to, |v| v.name = to.clone());
                if let Some(columns) = self.view_columns.remove(from) {
                    self.view_columns.insert(to.clone(), columns);
                }
            }
            Renamed::Sequence => move_to(&mut c.sequences, from, &to, |s| s.name = to.clone()),
            Renamed::Index => {
                move_to(&mut c.indexes, from, &to, |i| i.name = to.clone());
            }
            Renamed::ConstraintIndex => {
                // The constraint is renamed with its index.
                if let Some(t) = constraint_table.and_then(|t| c.tables.get_mut(&t))
                    && let Some(mut constraint) = t.constraints.remove(&from.name)
                {
                    constraint.name = new.clone();
                    t.constraints.insert(new.clone(), constraint);
                }
            }
            // `follow` renames it in its column.
            Renamed::IdentitySequence => {}
            Renamed::Enum => move_to(&mut c.enums, from, &to, |e| e.name = to.clone()),
            Renamed::Domain => move_to(&mut c.domains, from, &to, |d| d.name = to.clone()),
            Renamed::Composite => {
                move_to(&mut c.composite_types, from, &to, |t| t.name = to.clone())
            }
        }
        if matches!(renamed, Renamed::Index | Renamed::ConstraintIndex) {
            for t in self
                .catalog
                .tables
                .values_mut()
                .filter(|t| t.name.schema == from.schema)
            {
                if t.clustered_on.as_ref() == Some(&from.name) {
                    t.clustered_on = Some(new.clone());
                }
                if t.replica_identity == ReplicaIdentity::Index(from.name.clone()) {
                    t.replica_identity = ReplicaIdentity::Index(new.clone());
                }
            }
            // No text names an index.
            return Ok(());
        }
        self.follow(&Rewrite {
            from,
            to: &to,
            relation: renamed.is_relation(),
        })
    }

    /// Every reference to the renamed object names the new one.
    fn follow(&mut self, r: &Rewrite<'_>) -> Result<()> {
        let c = &mut self.catalog;
        for t in c.tables.values_mut() {
            for column in &mut t.columns {
                r.type_ref(&mut column.data_type);
                r.opt(&mut column.default)?;
                if let Some(g) = &mut column.generated {
                    r.expr(&mut g.expression)?;
                }
                if let Some(identity) = &mut column.identity {
                    r.name(&mut identity.sequence_name);
                }
            }
            for constraint in t.constraints.values_mut() {
                match &mut constraint.kind {
                    ConstraintKind::Check { expression, .. } => r.expr(expression)?,
                    ConstraintKind::ForeignKey { references, .. } => r.name(references),
                    ConstraintKind::Exclusion {
                        elements,
                        predicate,
                        ..
                    } => {
                        for e in elements {
                            if let IndexKey::Expression(x) = &mut e.key.key {
                                r.expr(x)?;
                            }
                        }
                        r.opt(predicate)?;
                    }
                    ConstraintKind::PrimaryKey { .. } | ConstraintKind::Unique { .. } => {}
                }
            }
            if let Some(p) = &mut t.partition_by {
                r.text(&mut p.key)?;
            }
            if let Some(p) = &mut t.partition_of {
                r.name(&mut p.parent);
                r.text(&mut p.bound)?;
            }
            t.inherits.iter_mut().for_each(|q| r.name(q));
            for policy in t.policies.values_mut() {
                r.opt(&mut policy.using)?;
                r.opt(&mut policy.with_check)?;
            }
        }
        for d in c.domains.values_mut() {
            r.type_ref(&mut d.base_type);
            r.opt(&mut d.default)?;
            for check in d.checks.values_mut() {
                r.expr(&mut check.expression)?;
            }
        }
        for t in c.composite_types.values_mut() {
            for a in &mut t.attributes {
                r.type_ref(&mut a.data_type);
            }
        }
        for s in c.sequences.values_mut() {
            if let Some(owner) = &mut s.owned_by {
                r.name(&mut owner.table);
            }
        }
        for i in c.indexes.values_mut() {
            r.name(&mut i.table);
            for k in &mut i.keys {
                if let IndexKey::Expression(x) = &mut k.key {
                    r.expr(x)?;
                }
            }
            r.opt(&mut i.predicate)?;
        }
        for v in c.views.values_mut() {
            r.text(&mut v.definition)?;
            v.depends_on = std::mem::take(&mut v.depends_on)
                .into_iter()
                .map(|d| r.object_ref(d))
                .collect();
        }
        for columns in self.view_columns.values_mut() {
            for (_, t) in columns {
                if let Some(new) = rename_qualified_in(&t.sql, r.from, r.to) {
                    t.sql = new;
                }
            }
        }
        let functions = std::mem::take(&mut c.functions);
        for (mut id, mut f) in functions {
            let mut arguments = id.arguments.clone();
            r.text(&mut arguments)?;
            id = FunctionId { arguments, ..id };
            f.id = id.clone();
            r.text(&mut f.arguments)?;
            if let Some(returns) = &mut f.returns {
                r.text(returns)?;
            }
            if f.sql_body {
                r.text(&mut f.body)?;
            }
            f.depends_on = std::mem::take(&mut f.depends_on)
                .into_iter()
                .map(|d| r.object_ref(d))
                .collect();
            c.functions.insert(id, f);
        }
        let triggers = std::mem::take(&mut c.triggers);
        for (mut id, mut t) in triggers {
            r.name(&mut id.table);
            t.id = id.clone();
            r.opt(&mut t.when)?;
            if let Some(constraint) = &mut t.constraint
                && let Some(table) = &mut constraint.referenced_table
            {
                r.name(table);
            }
            c.triggers.insert(id, t);
        }
        Ok(())
    }
}

fn move_to<V>(
    map: &mut std::collections::BTreeMap<QualifiedName, V>,
    from: &QualifiedName,
    to: &QualifiedName,
    rename: impl FnOnce(&mut V),
) {
    if let Some(mut object) = map.remove(from) {
        rename(&mut object);
        map.insert(to.clone(), object);
    }
}
