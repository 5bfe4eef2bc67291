//! Changes carried out in place, kind by kind.

use retort_catalog::{ColumnStorage, ObjectId, QualifiedName, Table, TypeRef};
use retort_diff::Attribute;
use retort_sql::migration::{self as sql, LabelPosition};

use super::{Planner, column, quote};
use crate::PlanError;
use crate::deps;
use crate::hazard::Hazard;
use crate::model::ChangeKind;
use crate::node::{Node, Seg, create_rank};
use crate::types::{self, TypeChange};

impl Planner<'_> {
    fn alter_node(&self, id: &ObjectId, summary: String, rank: u16) -> Node {
        let mut node = Node::new(ChangeKind::Alter, id.clone(), summary, rank);
        node.provides.push(id.clone());
        node.needs.extend(self.nd.of(id));
        node
    }

    fn comment_node(&self, id: &ObjectId, statements: Vec<String>) -> Node {
        let mut node = Node::new(
            ChangeKind::Alter,
            id.clone(),
            format!("comment on {}", sql::describe(id)),
            crate::node::COMMENT_RANK,
        )
        .sql(statements);
        node.needs.push(id.clone());
        node
    }

    pub(super) fn alter_nodes(
        &mut self,
        id: &ObjectId,
        attributes: &[Attribute],
    ) -> Result<(), PlanError> {
        let has = |a: Attribute| attributes.contains(&a);
        let (old, new) = (self.old, self.new);
        let describe = sql::describe(id);
        let rank = create_rank(id);
        let comment = |node: &Self, text: Option<&str>| -> Result<Node, PlanError> {
            let target = sql::comment_target(new, id)?;
            Ok(node.comment_node(id, vec![sql::comment_on(&target, text)]))
        };
        match id {
            ObjectId::Schema { name } => {
                if has(Attribute::Comment) {
                    let n = comment(self, new.schemas[name].comment.as_deref())?;
                    self.push(n);
                }
            }
            ObjectId::Extension { name } => {
                let e = &new.extensions[name];
                let mut statements = Vec::new();
                if has(Attribute::Schema) {
                    statements.push(sql::alter_extension_schema(e));
                }
                if has(Attribute::Version) {
                    statements.push(sql::alter_extension_version(e));
                }
                if !statements.is_empty() {
                    let n = self
                        .alter_node(id, format!("alter {describe}"), rank)
                        .sql(statements);
                    self.push(n);
                }
                if has(Attribute::Comment) {
                    let n = comment(self, e.comment.as_deref())?;
                    self.push(n);
                }
            }
            ObjectId::Collation { name } => {
                if has(Attribute::Comment) {
                    let n = comment(self, new.collations[name].comment.as_deref())?;
                    self.push(n);
                }
            }
            ObjectId::Enum { name } => {
                let (o, n) = (&old.enums[name], &new.enums[name]);
                if has(Attribute::Labels) {
                    let mut statements = Vec::new();
                    let mut present: Vec<&String> = o.labels.iter().collect();
                    for (i, label) in n.labels.iter().enumerate() {
                        if present.contains(&label) {
                            continue;
                        }
                        let position = if i == n.labels.len() - 1 && present.len() == i {
                            LabelPosition::End
                        } else if i > 0 {
                            LabelPosition::After(&n.labels[i - 1])
                        } else {
                            LabelPosition::Before(&n.labels[1])
                        };
                        statements.push(sql::add_enum_value(n, label, position));
                        present.insert(i.min(present.len()), label);
                    }
                    let mut node = self
                        .alter_node(id, format!("add values to {describe}"), rank)
                        .sql(statements);
                    node.seg = Seg::Early;
                    node.needs.clear();
                    self.push(node);
                }
                if has(Attribute::Comment) {
                    let c = comment(self, n.comment.as_deref())?;
                    self.push(c);
                }
            }
            ObjectId::Domain { name } => {
                let (o, n) = (&old.domains[name], &new.domains[name]);
                let mut statements = Vec::new();
                if has(Attribute::Default) {
                    statements.push(sql::domain_default(n));
                }
                if has(Attribute::NotNull) {
                    statements.push(sql::domain_not_null(n));
                }
                if has(Attribute::Checks) {
                    for (cname, c) in &o.checks {
                        match n.checks.get(cname) {
                            Some(nc) if nc.expression == c.expression => {
                                if c.not_valid && !nc.not_valid {
                                    statements.push(sql::validate_domain_check(name, cname));
                                } else if !c.not_valid && nc.not_valid {
                                    statements.push(sql::drop_domain_check(name, cname));
                                    statements.extend(sql::add_domain_check(n, nc));
                                }
                            }
                            _ => statements.push(sql::drop_domain_check(name, cname)),
                        }
                    }
                    for (cname, nc) in &n.checks {
                        match o.checks.get(cname) {
                            Some(c) if c.expression == nc.expression => {}
                            _ => statements.extend(sql::add_domain_check(n, nc)),
                        }
                    }
                }
                if !statements.is_empty() {
                    let mut node = self
                        .alter_node(id, format!("alter {describe}"), rank)
                        .sql(statements);
                    node.touches.push(id.clone());
                    node.releases.extend(self.od.of(id));
                    self.push(node);
                }
                if has(Attribute::Comment) {
                    let mut statements = Vec::new();
                    if o.comment != n.comment {
                        statements.push(sql::comment_on(
                            &sql::comment_target(new, id)?,
                            n.comment.as_deref(),
                        ));
                    }
                    for (cname, nc) in &n.checks {
                        if o.checks.get(cname).map(|c| &c.comment) != Some(&nc.comment)
                            && o.checks
                                .get(cname)
                                .is_some_and(|c| c.expression == nc.expression)
                        {
                            statements.push(sql::domain_check_comment(
                                name,
                                cname,
                                nc.comment.as_deref(),
                            ));
                        }
                    }
                    if !statements.is_empty() {
                        let c = self.comment_node(id, statements);
                        self.push(c);
                    }
                }
            }
            ObjectId::CompositeType { name } => {
                let (o, n) = (&old.composite_types[name], &new.composite_types[name]);
                if has(Attribute::DataType) {
                    let mut statements = Vec::new();
                    for a in &o.attributes {
                        if !n.attributes.iter().any(|b| b.name == a.name) {
                            statements.push(sql::drop_attribute(name, &a.name));
                        }
                    }
                    for b in &n.attributes {
                        match o.attributes.iter().find(|a| a.name == b.name) {
                            None => statements.push(sql::add_attribute(name, b)),
                            Some(a)
                                if a.data_type.sql != b.data_type.sql
                                    || a.collation != b.collation =>
                            {
                                statements.push(sql::alter_attribute_type(name, b))
                            }
                            Some(_) => {}
                        }
                    }
                    let mut node = self
                        .alter_node(id, format!("alter attributes of {describe}"), rank)
                        .sql(statements);
                    node.touches.push(id.clone());
                    node.releases.extend(self.od.of(id));
                    self.push(node);
                }
                if has(Attribute::Comment) {
                    let mut statements = Vec::new();
                    if o.comment != n.comment {
                        statements.push(sql::comment_on(
                            &sql::comment_target(new, id)?,
                            n.comment.as_deref(),
                        ));
                    }
                    for b in &n.attributes {
                        let before = o.attributes.iter().find(|a| a.name == b.name);
                        if before.is_some_and(|a| a.comment != b.comment)
                            || (before.is_none() && b.comment.is_some())
                        {
                            statements.push(sql::attribute_comment(
                                name,
                                &b.name,
                                b.comment.as_deref(),
                            ));
                        }
                    }
                    if !statements.is_empty() {
                        let mut c = self.comment_node(id, statements);
                        c.needs.push(id.clone());
                        self.push(c);
                    }
                }
            }
            ObjectId::Sequence { name } => {
                let (o, n) = (&old.sequences[name], &new.sequences[name]);
                let mut statements = Vec::new();
                if has(Attribute::SequenceOptions) {
                    statements.extend(sql::alter_sequence(o, n));
                }
                if has(Attribute::Unlogged) {
                    statements.push(sql::sequence_logged(n));
                }
                if !statements.is_empty() {
                    let mut node = self
                        .alter_node(id, format!("alter {describe}"), rank)
                        .sql(statements);
                    if has(Attribute::SequenceOptions) && sql::sequence_restarts(o, n) {
                        node.hazard(
                            Hazard::DataLoss,
                            format!(
                                "restarts {} at {}: its range narrows, and the values it gave before may be given again",
                                quote(name),
                                n.options.start
                            ),
                        );
                    }
                    self.push(node);
                }
                if has(Attribute::OwnedBy) {
                    let mut node = self
                        .alter_node(
                            id,
                            format!("change the owner column of {describe}"),
                            rank + 2,
                        )
                        .sql([sql::sequence_owned_by(n)]);
                    if let Some(owner) = &n.owned_by {
                        node.needs
                            .push(deps::column_id(&owner.table, &owner.column));
                    }
                    if let Some(owner) = &o.owned_by {
                        node.releases
                            .push(deps::column_id(&owner.table, &owner.column));
                        node.releases.push(ObjectId::Table {
                            name: owner.table.clone(),
                        });
                    }
                    node.provides.clear();
                    self.push(node);
                }
                if has(Attribute::Comment) {
                    let c = comment(self, n.comment.as_deref())?;
                    self.push(c);
                }
            }
            ObjectId::Function { id: fid } => {
                let f = &new.functions[fid];
                if has(Attribute::Body) {
                    self.functions_created = true;
                    let mut node = self
                        .alter_node(id, format!("replace the body of {describe}"), rank)
                        .sql([sql::replace_function(f)?]);
                    node.releases.extend(self.od.of(id));
                    node.touches.push(id.clone());
                    self.push(node);
                }
                if has(Attribute::Comment) {
                    let c = comment(self, f.comment.as_deref())?;
                    self.push(c);
                }
            }
            ObjectId::Table { name } => self.alter_table(id, name, attributes)?,
            ObjectId::Column { .. } => self.alter_column(id, attributes)?,
            ObjectId::Constraint { table, constraint } => {
                let c = &new.tables[table].constraints[constraint];
                let mut statements = Vec::new();
                if has(Attribute::Deferral) {
                    statements.push(sql::alter_constraint_deferral(table, c));
                }
                if has(Attribute::Validated) {
                    statements.push(sql::validate_constraint(table, constraint));
                }
                if !statements.is_empty() {
                    let mut node = self
                        .alter_node(id, format!("alter {describe}"), rank)
                        .sql(statements);
                    if has(Attribute::Validated) {
                        node.hazard(
                            Hazard::AccessExclusiveLock,
                            format!("reads every row of {} to validate", quote(table)),
                        );
                    }
                    self.push(node);
                }
                if has(Attribute::Comment) {
                    let o = &old.tables[table].constraints[constraint];
                    let mut statements = sql::constraint_comment(table, c);
                    if o.comment == c.comment {
                        statements.remove(0);
                    } else if statements.len() > 1 && o.index_comment == c.index_comment {
                        statements.truncate(1);
                    }
                    let n = self.comment_node(id, statements);
                    self.push(n);
                }
            }
            ObjectId::Index { name } => {
                let (o, n) = (&old.indexes[name], &new.indexes[name]);
                if has(Attribute::Options) {
                    let node = self
                        .alter_node(id, format!("alter storage parameters of {describe}"), rank)
                        .sql(sql::index_options(o, n));
                    self.push(node);
                }
                if has(Attribute::Comment) {
                    let c = comment(self, n.comment.as_deref())?;
                    self.push(c);
                }
            }
            ObjectId::View { name } => {
                let (o, n) = (&old.views[name], &new.views[name]);
                if has(Attribute::Options) {
                    let node = self
                        .alter_node(id, format!("alter options of {describe}"), rank)
                        .sql(sql::view_options(o, n));
                    self.push(node);
                }
                if has(Attribute::Populated) && n.populated {
                    let node = self
                        .alter_node(id, format!("populate {describe}"), rank)
                        .sql([sql::refresh_materialized_view(n)]);
                    self.push(node);
                }
                let mut statements = Vec::new();
                if has(Attribute::Comment) {
                    statements.push(sql::comment_on(
                        &sql::comment_target(new, id)?,
                        n.comment.as_deref(),
                    ));
                }
                if has(Attribute::ColumnComments) {
                    let columns: std::collections::BTreeSet<_> = o
                        .column_comments
                        .keys()
                        .chain(n.column_comments.keys())
                        .collect();
                    for c in columns {
                        let (a, b) = (o.column_comments.get(c), n.column_comments.get(c));
                        if a != b {
                            statements.push(sql::view_column_comment(
                                name,
                                c,
                                b.map(String::as_str),
                            ));
                        }
                    }
                }
                if !statements.is_empty() {
                    let c = self.comment_node(id, statements);
                    self.push(c);
                }
            }
            ObjectId::Trigger { id: tid } => {
                let t = &new.triggers[tid];
                if has(Attribute::Enabled) {
                    let node = self
                        .alter_node(id, format!("enable or disable {describe}"), rank)
                        .sql([sql::trigger_state(t)]);
                    self.push(node);
                }
                if has(Attribute::Comment) {
                    let c = comment(self, t.comment.as_deref())?;
                    self.push(c);
                }
            }
            ObjectId::Policy { table, policy } => {
                let (o, n) = (
                    &old.tables[table].policies[policy],
                    &new.tables[table].policies[policy],
                );
                if has(Attribute::PolicyClauses)
                    && let Some(statement) = sql::alter_policy(table, o, n)
                {
                    let mut node = self
                        .alter_node(id, format!("alter {describe}"), rank)
                        .sql([statement]);
                    node.releases.extend(self.od.of(id));
                    node.touches.push(id.clone());
                    self.push(node);
                }
                if has(Attribute::Comment) {
                    let c = comment(self, n.comment.as_deref())?;
                    self.push(c);
                }
            }
        }
        Ok(())
    }

    fn alter_table(
        &mut self,
        id: &ObjectId,
        name: &QualifiedName,
        attributes: &[Attribute],
    ) -> Result<(), PlanError> {
        let has = |a: Attribute| attributes.contains(&a);
        let (o, n): (&Table, &Table) = (&self.old.tables[name], &self.new.tables[name]);
        let describe = sql::describe(id);
        let rank = create_rank(id);
        if has(Attribute::Definition) {
            // Leaving the old parents comes before the parents change (a column the parent
            // adds must not reach a table that leaves it); joining the new ones comes once
            // every column both need is there.
            let mut leave = Node::new(
                ChangeKind::Alter,
                id.clone(),
                format!("detach {describe} from its old parents"),
                rank + 2,
            );
            let mut statements = Vec::new();
            if let Some(p) = &o.partition_of
                && n.partition_of.as_ref() != Some(p)
            {
                statements.push(sql::detach_partition(&p.parent, name));
                leave.provides.push(ObjectId::Table {
                    name: p.parent.clone(),
                });
            }
            for parent in o.inherits.iter().filter(|p| !n.inherits.contains(p)) {
                statements.push(sql::no_inherit(name, parent));
                leave.provides.push(ObjectId::Table {
                    name: parent.clone(),
                });
            }
            if !statements.is_empty() {
                leave.touches.push(id.clone());
                let leave = leave.sql(statements);
                self.push(leave);
            }
            let mut join = Node::new(
                ChangeKind::Alter,
                id.clone(),
                format!("attach {describe} to its new parents"),
                rank + 2,
            );
            let mut statements = Vec::new();
            if let Some(p) = &n.partition_of
                && o.partition_of.as_ref() != Some(p)
            {
                statements.push(sql::attach_partition(&p.parent, name, &p.bound));
                join.needs.push(ObjectId::Table {
                    name: p.parent.clone(),
                });
                join.hazard(
                    Hazard::AccessExclusiveLock,
                    format!(
                        "locks {} while its rows are checked against the bound",
                        quote(name)
                    ),
                );
            }
            for parent in n.inherits.iter().filter(|p| !o.inherits.contains(p)) {
                statements.push(sql::inherit(name, parent));
                join.needs.push(ObjectId::Table {
                    name: parent.clone(),
                });
            }
            if !statements.is_empty() {
                // The parents' columns must all be there, in the parent and in the child.
                for parent in n.partition_of.iter().map(|p| &p.parent).chain(&n.inherits) {
                    if let Some(t) = self.new.tables.get(parent) {
                        for c in &t.columns {
                            join.needs.push(deps::column_id(parent, &c.name));
                            join.needs.push(deps::column_id(name, &c.name));
                        }
                    }
                }
                join.touches.push(id.clone());
                let join = join.sql(statements);
                self.push(join);
            }
        }
        let mut statements = Vec::new();
        let mut node_hazards = Vec::new();
        if has(Attribute::Unlogged) {
            statements.push(sql::table_logged(n));
            node_hazards.push((
                Hazard::TableRewrite,
                format!("rewrites {} to change its logging", quote(name)),
            ));
        }
        if has(Attribute::Options) {
            statements.extend(sql::set_options("TABLE", name, &o.options, &n.options));
        }
        if has(Attribute::RowSecurity) {
            statements.push(sql::row_security(n));
        }
        if has(Attribute::ForceRowSecurity) {
            statements.push(sql::force_row_security(n));
        }
        if !statements.is_empty() {
            let mut node = self
                .alter_node(id, format!("alter {describe}"), rank + 1)
                .sql(statements);
            node.needs.clear();
            for (h, d) in node_hazards {
                node.hazard(h, d);
            }
            self.push(node);
        }
        let mut statements = Vec::new();
        if has(Attribute::ReplicaIdentity) {
            statements.push(sql::replica_identity(n));
        }
        if has(Attribute::ClusteredOn) {
            statements.push(sql::clustered_on(n));
        }
        if !statements.is_empty() {
            let mut node = Node::new(
                ChangeKind::Alter,
                id.clone(),
                format!("set replica identity and cluster index of {describe}"),
                rank + 20,
            )
            .sql(statements);
            for index in [
                match &n.replica_identity {
                    retort_catalog::ReplicaIdentity::Index(i) => Some(i),
                    _ => None,
                },
                n.clustered_on.as_ref(),
            ]
            .into_iter()
            .flatten()
            {
                let qn = QualifiedName::new(name.schema.clone(), index.clone());
                node.needs.push(ObjectId::Index { name: qn });
                node.needs.push(ObjectId::Constraint {
                    table: name.clone(),
                    constraint: index.clone(),
                });
            }
            for index in [
                match &o.replica_identity {
                    retort_catalog::ReplicaIdentity::Index(i) => Some(i),
                    _ => None,
                },
                o.clustered_on.as_ref(),
            ]
            .into_iter()
            .flatten()
            {
                let qn = QualifiedName::new(name.schema.clone(), index.clone());
                node.releases.push(ObjectId::Index { name: qn });
                node.releases.push(ObjectId::Constraint {
                    table: name.clone(),
                    constraint: index.clone(),
                });
            }
            self.push(node);
        }
        if has(Attribute::Comment) {
            let c = self.comment_node(
                id,
                vec![sql::comment_on(
                    &sql::comment_target(self.new, id)?,
                    n.comment.as_deref(),
                )],
            );
            self.push(c);
        }
        Ok(())
    }

    fn alter_column(&mut self, id: &ObjectId, attributes: &[Attribute]) -> Result<(), PlanError> {
        let has = |a: Attribute| attributes.contains(&a);
        let (Some((_, o)), Some((nt, n))) = (column(self.old, id), column(self.new, id)) else {
            return Ok(());
        };
        let table = &nt.name;
        let col = &n.name;
        let describe = sql::describe(id);
        let repointed = self.repoint.contains(id);
        let retyped = has(Attribute::DataType) || has(Attribute::Collation) || repointed;
        let mut statements = Vec::new();
        let mut hazards: Vec<(Hazard, String)> = Vec::new();
        let mut what = Vec::new();

        if o.identity.is_some() && n.identity.is_none() {
            statements.push(sql::drop_identity(table, col));
            what.push("drop identity");
        }
        if o.generated.is_some() && n.generated.is_none() {
            statements.push(sql::drop_expression(table, col));
            what.push("drop generation expression");
        }
        let default_changes = has(Attribute::Default);
        if retyped {
            if o.default.is_some() {
                statements.push(sql::set_default(table, col, None));
            }
            let old_user = o.data_type.user_type.is_some();
            let new_user = n.data_type.user_type.is_some();
            let through = repointed || types::through_text(old_user, new_user, &o.data_type.sql);
            let using = sql::using_cast(col, &n.data_type, through);
            statements.push(sql::alter_column_type(table, n, Some(&using)));
            if n.default.is_some() && n.generated.is_none() {
                statements.push(sql::set_default(table, col, n.default.as_ref()));
            }
            what.push("change type");
            let change = if repointed {
                TypeChange::Widening
            } else if has(Attribute::DataType) {
                types::classify(&o.data_type.sql, &n.data_type.sql)
            } else {
                TypeChange::Widening
            };
            let from_to = format!("{} to {}", o.data_type.sql, n.data_type.sql);
            match change {
                TypeChange::Free => {}
                TypeChange::Widening => hazards.push((
                    Hazard::TableRewrite,
                    format!(
                        "rewrites {} to convert {describe} ({from_to})",
                        quote(table)
                    ),
                )),
                TypeChange::Risky => {
                    hazards.push((
                        Hazard::DataLoss,
                        format!(
                            "converting {describe} from {from_to} may fail or lose part of its values"
                        ),
                    ));
                    hazards.push((
                        Hazard::TableRewrite,
                        format!("rewrites {} to convert the column", quote(table)),
                    ));
                }
            }
            hazards.push((
                Hazard::AccessExclusiveLock,
                format!("locks table {}", quote(table)),
            ));
        } else if default_changes {
            statements.push(sql::set_default(table, col, n.default.as_ref()));
            what.push("change default");
        }
        if has(Attribute::NotNull) {
            statements.push(sql::set_not_null(table, col, n.not_null));
            if n.not_null {
                what.push("set not null");
                hazards.push((
                    Hazard::AccessExclusiveLock,
                    format!("locks table {} while every row is checked", quote(table)),
                ));
            } else {
                what.push("drop not null");
            }
        }
        match (&o.identity, &n.identity) {
            (None, Some(identity)) => {
                statements.push(sql::add_identity(table, col, identity));
                what.push("add identity");
            }
            (Some(a), Some(b)) if a != b => {
                if a.sequence_name != b.sequence_name {
                    statements.push(sql::drop_identity(table, col));
                    statements.push(sql::add_identity(table, col, b));
                } else {
                    if a.options.data_type != b.options.data_type {
                        statements.push(sql::identity_sequence_type(b));
                    }
                    statements.extend(sql::alter_identity(table, col, a, b));
                }
                what.push("change identity");
            }
            _ => {}
        }
        if has(Attribute::Storage) {
            let storage = n.storage.or_else(|| default_storage(&n.data_type));
            statements.push(sql::set_storage(table, col, storage));
            what.push("set storage");
        }
        if has(Attribute::Compression) {
            statements.push(sql::set_compression(table, col, n.compression.as_deref()));
            what.push("set compression");
        }
        if has(Attribute::Statistics) {
            statements.push(sql::set_statistics(table, col, n.statistics));
            what.push("set statistics");
        }
        if !statements.is_empty() {
            let summary = if repointed {
                format!("convert {describe} to the new {}", n.data_type.sql)
            } else {
                format!("alter {describe}: {}", what.join(", "))
            };
            let mut node = self
                .alter_node(id, summary, create_rank(id))
                .sql(statements);
            node.touches.push(id.clone());
            node.releases.extend(
                self.od
                    .of(id)
                    .into_iter()
                    .filter(|d| !matches!(d, ObjectId::Table { .. })),
            );
            if retyped {
                let t = ObjectId::Table {
                    name: table.clone(),
                };
                node.touches.push(t);
            }
            for (h, d) in hazards {
                node.hazard(h, d);
            }
            self.push(node);
        }
        if has(Attribute::Comment) {
            let c = self.comment_node(
                id,
                vec![sql::column_comment(table, col, n.comment.as_deref())],
            );
            self.push(c);
        }
        Ok(())
    }
}

/// The storage a type has by default, for a column whose explicit setting goes away.
fn default_storage(t: &TypeRef) -> Option<ColumnStorage> {
    let fixed = [
        "smallint",
        "integer",
        "bigint",
        "real",
        "double precision",
        "boolean",
        "date",
        "uuid",
        "timestamp without time zone",
        "timestamp with time zone",
        "time without time zone",
        "money",
        "oid",
    ];
    let base = t.sql.split('(').next().unwrap_or("").trim();
    if t.sql.ends_with("[]") {
        Some(ColumnStorage::Extended)
    } else if fixed.contains(&base) || t.sql.starts_with("timestamp") {
        Some(ColumnStorage::Plain)
    } else if base == "numeric" {
        Some(ColumnStorage::Main)
    } else {
        Some(ColumnStorage::Extended)
    }
}
