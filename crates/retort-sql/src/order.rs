//! Creation order: dependency sorting of the objects that can depend on each other.
//!
//! Every sort is Kahn's algorithm with a `BTreeSet` ready queue, so among the objects whose
//! dependencies are all created, the smallest key goes first: the order is a function of the
//! catalog alone. Dependencies on objects outside the set being sorted are ignored (they are
//! created by an earlier group of the script).

use std::collections::{BTreeMap, BTreeSet};

use retort_catalog::{
    Catalog, ConstraintKind, FunctionId, Ident, IndexKey, ObjectRef, QualifiedName,
};

use crate::error::RenderError;

/// Sorts `deps` (node -> the nodes it needs first). On a cycle, returns the nodes that take part
/// in it: what remains once everything that can be ordered is ordered, minus the nodes that
/// merely depend on a cycle.
pub(crate) fn toposort<K: Ord + Clone>(deps: &BTreeMap<K, BTreeSet<K>>) -> Result<Vec<K>, Vec<K>> {
    // Only edges inside the node set, never a node on itself.
    let mut pending: BTreeMap<&K, BTreeSet<&K>> = deps
        .iter()
        .map(|(node, needs)| {
            let needs = needs
                .iter()
                .filter(|n| *n != node && deps.contains_key(*n))
                .collect();
            (node, needs)
        })
        .collect();
    let mut dependents: BTreeMap<&K, BTreeSet<&K>> = BTreeMap::new();
    for (node, needs) in &pending {
        for need in needs {
            dependents.entry(*need).or_default().insert(*node);
        }
    }
    let mut ready: BTreeSet<&K> = pending
        .iter()
        .filter(|(_, needs)| needs.is_empty())
        .map(|(node, _)| *node)
        .collect();
    let mut order = Vec::with_capacity(deps.len());
    while let Some(node) = ready.pop_first() {
        pending.remove(node);
        order.push(node.clone());
        for dependent in dependents.get(node).into_iter().flatten() {
            if let Some(needs) = pending.get_mut(dependent) {
                needs.remove(node);
                if needs.is_empty() {
                    ready.insert(*dependent);
                }
            }
        }
    }
    if pending.is_empty() {
        return Ok(order);
    }
    // Peel off the nodes nothing left depends on: they wait on a cycle without being on one.
    loop {
        let needed: BTreeSet<&K> = pending.values().flatten().copied().collect();
        let before = pending.len();
        pending.retain(|node, _| needed.contains(node));
        if pending.len() == before {
            break;
        }
    }
    Err(pending.into_keys().cloned().collect())
}

fn cycle_error<K>(kind: &'static str, members: Vec<K>, name: impl Fn(&K) -> String) -> RenderError {
    RenderError::Cycle {
        kind,
        members: members.iter().map(name).collect(),
    }
}

/// Extensions, each after those it requires.
pub(crate) fn extension_order(catalog: &Catalog) -> Result<Vec<Ident>, RenderError> {
    let deps: BTreeMap<Ident, BTreeSet<Ident>> = catalog
        .extensions
        .iter()
        .map(|(name, e)| (name.clone(), e.requires.iter().cloned().collect()))
        .collect();
    toposort(&deps).map_err(|m| cycle_error("extensions", m, |n| n.to_string()))
}

/// Enums, domains and composite types, ordered by the user-defined types they use.
pub(crate) fn type_order(catalog: &Catalog) -> Result<Vec<QualifiedName>, RenderError> {
    let mut deps: BTreeMap<QualifiedName, BTreeSet<QualifiedName>> = BTreeMap::new();
    for name in catalog.enums.keys() {
        deps.entry(name.clone()).or_default();
    }
    for (name, domain) in &catalog.domains {
        let entry = deps.entry(name.clone()).or_default();
        entry.extend(domain.base_type.user_type.iter().cloned());
    }
    for (name, composite) in &catalog.composite_types {
        let entry = deps.entry(name.clone()).or_default();
        for attribute in &composite.attributes {
            entry.extend(attribute.data_type.user_type.iter().cloned());
        }
    }
    toposort(&deps).map_err(|m| cycle_error("types", m, |n| n.to_string()))
}

/// Tables, parents (partitioned and inherited) before children, and a table whose column has
/// another table's row type after that table.
pub(crate) fn table_order(catalog: &Catalog) -> Result<Vec<QualifiedName>, RenderError> {
    let mut deps: BTreeMap<QualifiedName, BTreeSet<QualifiedName>> = BTreeMap::new();
    for (name, table) in &catalog.tables {
        let entry = deps.entry(name.clone()).or_default();
        match &table.partition_of {
            Some(partition_of) => {
                entry.insert(partition_of.parent.clone());
            }
            None => entry.extend(table.inherits.iter().cloned()),
        }
        for column in &table.columns {
            if let Some(user_type) = &column.data_type.user_type
                && catalog.tables.contains_key(user_type)
            {
                entry.insert(user_type.clone());
            }
        }
    }
    toposort(&deps).map_err(|m| cycle_error("tables", m, |n| n.to_string()))
}

/// An object of the last creation group: views, materialized views and the functions that
/// cannot be created before the tables.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum LateNode {
    Relation(QualifiedName),
    Function(FunctionId),
}

/// Tables and composite types that can only be created with the views.
///
/// A composite type is late when an attribute has a table's or view's row type (or a late
/// composite type); a table is late when a column has a view's row type or a late table's or
/// composite type's, or when its partition or inheritance parent is late.
pub(crate) fn late_relations(catalog: &Catalog) -> Late {
    let mut late = Late::default();
    loop {
        let is_late = |t: &QualifiedName| late.tables.contains(t) || late.types.contains(t);
        let new_types: Vec<QualifiedName> = catalog
            .composite_types
            .iter()
            .filter(|(name, _)| !late.types.contains(*name))
            .filter(|(_, composite)| {
                composite.attributes.iter().any(|a| {
                    a.data_type.user_type.as_ref().is_some_and(|t| {
                        catalog.tables.contains_key(t)
                            || catalog.views.contains_key(t)
                            || is_late(t)
                    })
                })
            })
            .map(|(name, _)| name.clone())
            .collect();
        let new_tables: Vec<QualifiedName> = catalog
            .tables
            .iter()
            .filter(|(name, _)| !late.tables.contains(*name))
            .filter(|(_, table)| {
                let typed_late = table.columns.iter().any(|c| {
                    c.data_type
                        .user_type
                        .as_ref()
                        .is_some_and(|t| catalog.views.contains_key(t) || is_late(t))
                });
                let parent_late = match &table.partition_of {
                    Some(p) => late.tables.contains(&p.parent),
                    None => table.inherits.iter().any(|p| late.tables.contains(p)),
                };
                typed_late || parent_late
            })
            .map(|(name, _)| name.clone())
            .collect();
        if new_types.is_empty() && new_tables.is_empty() {
            return late;
        }
        late.types.extend(new_types);
        late.tables.extend(new_tables);
    }
}

/// See [`late_relations`].
#[derive(Debug, Default)]
pub(crate) struct Late {
    pub tables: BTreeSet<QualifiedName>,
    pub types: BTreeSet<QualifiedName>,
}

/// Functions and procedures split in two groups, each in creation order.
#[derive(Debug, Default)]
pub(crate) struct RoutineOrder {
    /// Created after the types, before the tables (so that defaults, checks and index
    /// expressions can call them).
    pub early: Vec<FunctionId>,
    /// Created after the tables, together with the views: functions whose signature or
    /// SQL-standard body uses a table or view (directly or through another late function),
    /// and the tables and composite types of [`late_relations`].
    pub late: Vec<LateNode>,
    /// The tables among `late`.
    pub late_tables: BTreeSet<QualifiedName>,
    /// The composite types among `late`.
    pub late_types: BTreeSet<QualifiedName>,
}

/// Orders functions, views and materialized views.
///
/// A function is *late* when its `depends_on` names a table or view (or a table's or view's
/// row type), when its argument or result types name a table or view (a row type, which only
/// exists once the relation does), or when it depends on a late function. Everything else is
/// created early. Views are always late.
pub(crate) fn routine_order(catalog: &Catalog) -> Result<RoutineOrder, RenderError> {
    let is_relation = |name: &QualifiedName| {
        catalog.tables.contains_key(name) || catalog.views.contains_key(name)
    };
    let Late {
        tables: late_tables,
        types: late_types,
    } = late_relations(catalog);
    let is_late_relation = |name: &QualifiedName| {
        catalog.views.contains_key(name) || late_tables.contains(name) || late_types.contains(name)
    };

    // Per function: the relations it needs and the functions it needs.
    let mut relation_deps: BTreeMap<&FunctionId, BTreeSet<QualifiedName>> = BTreeMap::new();
    let mut function_deps: BTreeMap<&FunctionId, BTreeSet<FunctionId>> = BTreeMap::new();
    for (id, function) in &catalog.functions {
        let mut relations = BTreeSet::new();
        let mut functions = BTreeSet::new();
        for dep in &function.depends_on {
            match dep {
                ObjectRef::Relation { name } | ObjectRef::Type { name } => {
                    if is_relation(name) {
                        relations.insert(name.clone());
                    }
                }
                ObjectRef::Function { id: other } => {
                    if catalog.functions.contains_key(other) && other != id {
                        functions.insert(other.clone());
                    }
                }
            }
        }
        let signature = [
            function.arguments.as_str(),
            function.returns.as_deref().unwrap_or(""),
        ];
        for text in signature {
            relations.extend(
                qualified_names_in(text)
                    .into_iter()
                    .filter(|n| is_relation(n)),
            );
        }
        relation_deps.insert(id, relations);
        function_deps.insert(id, functions);
    }

    // Late: needs a relation, or (transitively) a late function.
    let mut late: BTreeSet<&FunctionId> = relation_deps
        .iter()
        .filter(|(_, relations)| !relations.is_empty())
        .map(|(id, _)| *id)
        .collect();
    loop {
        let newly: Vec<&FunctionId> = function_deps
            .iter()
            .filter(|(id, needs)| !late.contains(*id) && needs.iter().any(|n| late.contains(n)))
            .map(|(id, _)| *id)
            .collect();
        if newly.is_empty() {
            break;
        }
        late.extend(newly);
    }

    let early_deps: BTreeMap<FunctionId, BTreeSet<FunctionId>> = function_deps
        .iter()
        .filter(|(id, _)| !late.contains(*id))
        .map(|(id, needs)| ((*id).clone(), needs.clone()))
        .collect();
    let early =
        toposort(&early_deps).map_err(|m| cycle_error("functions", m, |id| id.to_string()))?;

    let mut late_deps: BTreeMap<LateNode, BTreeSet<LateNode>> = BTreeMap::new();
    for id in &late {
        let mut needs: BTreeSet<LateNode> = function_deps
            .get(id)
            .into_iter()
            .flatten()
            .filter(|n| late.contains(n))
            .map(|n| LateNode::Function(n.clone()))
            .collect();
        needs.extend(
            relation_deps
                .get(id)
                .into_iter()
                .flatten()
                .filter(|n| is_late_relation(n))
                .map(|n| LateNode::Relation(n.clone())),
        );
        late_deps.insert(LateNode::Function((*id).clone()), needs);
    }
    for name in &late_types {
        let Some(composite) = catalog.composite_types.get(name) else {
            continue;
        };
        let needs = composite
            .attributes
            .iter()
            .filter_map(|a| a.data_type.user_type.as_ref())
            .filter(|n| is_late_relation(n))
            .map(|n| LateNode::Relation(n.clone()))
            .collect();
        late_deps.insert(LateNode::Relation(name.clone()), needs);
    }
    for name in &late_tables {
        let Some(table) = catalog.tables.get(name) else {
            continue;
        };
        let parents = match &table.partition_of {
            Some(p) => vec![&p.parent],
            None => table.inherits.iter().collect(),
        };
        let types = table
            .columns
            .iter()
            .filter_map(|c| c.data_type.user_type.as_ref());
        let needs = parents
            .into_iter()
            .chain(types)
            .filter(|n| is_late_relation(n))
            .map(|n| LateNode::Relation(n.clone()))
            .collect();
        late_deps.insert(LateNode::Relation(name.clone()), needs);
    }
    for (name, view) in &catalog.views {
        let mut needs = BTreeSet::new();
        for dep in &view.depends_on {
            match dep {
                ObjectRef::Relation { name: other } | ObjectRef::Type { name: other } => {
                    if is_late_relation(other) {
                        needs.insert(LateNode::Relation(other.clone()));
                    }
                }
                ObjectRef::Function { id } => {
                    if late.contains(id) {
                        needs.insert(LateNode::Function(id.clone()));
                    }
                }
            }
        }
        late_deps.insert(LateNode::Relation(name.clone()), needs);
    }
    let late = toposort(&late_deps).map_err(|m| {
        cycle_error("views and functions", m, |node| match node {
            LateNode::Relation(name) => name.to_string(),
            LateNode::Function(id) => id.to_string(),
        })
    })?;
    Ok(RoutineOrder {
        early,
        late,
        late_tables,
        late_types,
    })
}

/// A token of canonical SQL text, as far as finding qualified names needs.
#[derive(PartialEq)]
enum Token {
    Ident(String),
    Dot,
    LeftParen,
    Other,
}

/// Identifiers (bare ones folded to lower case, quoted ones raw), dots, opening parentheses
/// and everything else; string literals are one token, whitespace none.
fn lex(text: &str) -> Vec<Token> {
    use crate::rename::Kind;
    crate::rename::tokens(text)
        .into_iter()
        .map(|t| match t.kind {
            Kind::Ident { name, .. } => Token::Ident(name),
            Kind::Dot => Token::Dot,
            Kind::LeftParen => Token::LeftParen,
            _ => Token::Other,
        })
        .collect()
}

/// Every `schema.name` pair written in `text` (canonical SQL: bare or double-quoted
/// identifiers). String literals are skipped. Used to find the table and view row types a
/// function signature mentions; a spurious match only adds an ordering constraint.
pub fn qualified_names_in(text: &str) -> BTreeSet<QualifiedName> {
    let tokens = lex(text);
    let mut names = BTreeSet::new();
    for window in tokens.windows(3) {
        if let [Token::Ident(schema), Token::Dot, Token::Ident(name)] = window {
            names.insert(QualifiedName::new(schema.as_str(), name.as_str()));
        }
    }
    names
}

/// Every `schema.name(` call written in `text`: the user functions an expression calls
/// (PostgreSQL qualifies them when it prints an expression with an empty `search_path`).
pub fn called_functions_in(text: &str) -> BTreeSet<QualifiedName> {
    let tokens = lex(text);
    let mut names = BTreeSet::new();
    for window in tokens.windows(4) {
        if let [
            Token::Ident(schema),
            Token::Dot,
            Token::Ident(name),
            Token::LeftParen,
        ] = window
        {
            names.insert(QualifiedName::new(schema.as_str(), name.as_str()));
        }
    }
    names
}

/// Parts of objects that cannot be created with the object, because they call a function
/// that does not exist yet at that point of the script; they are added once every function
/// and view exists.
#[derive(Debug, Default)]
pub(crate) struct Deferred {
    /// Domains whose default calls a user function (domains are created before functions).
    pub domain_defaults: BTreeSet<QualifiedName>,
    /// Domain checks that call a user function.
    pub domain_checks: BTreeSet<(QualifiedName, Ident)>,
    /// Column defaults that call a function created after the tables.
    pub column_defaults: BTreeSet<(QualifiedName, Ident)>,
    /// Table checks that call a function created after the tables.
    pub table_checks: BTreeSet<(QualifiedName, Ident)>,
    /// Indexes whose keys or predicate call a function created after the tables.
    pub indexes: BTreeSet<QualifiedName>,
}

impl Deferred {
    pub(crate) fn column_default(&self, table: &QualifiedName, column: &Ident) -> bool {
        self.column_defaults
            .contains(&(table.clone(), column.clone()))
    }

    pub(crate) fn table_check(&self, table: &QualifiedName, name: &Ident) -> bool {
        self.table_checks.contains(&(table.clone(), name.clone()))
    }

    pub(crate) fn domain_check(&self, domain: &QualifiedName, name: &Ident) -> bool {
        self.domain_checks.contains(&(domain.clone(), name.clone()))
    }
}

/// Finds what must be deferred, given the creation order of functions.
pub(crate) fn deferred(catalog: &Catalog, routines: &RoutineOrder) -> Deferred {
    let all: BTreeSet<QualifiedName> = catalog
        .functions
        .keys()
        .map(FunctionId::qualified_name)
        .collect();
    let late: BTreeSet<QualifiedName> = routines
        .late
        .iter()
        .filter_map(|node| match node {
            LateNode::Function(id) => Some(id.qualified_name()),
            LateNode::Relation(_) => None,
        })
        .collect();
    let calls = |text: &str, functions: &BTreeSet<QualifiedName>| {
        called_functions_in(text)
            .iter()
            .any(|name| functions.contains(name))
    };

    let mut deferred = Deferred::default();
    for (name, domain) in &catalog.domains {
        if domain
            .default
            .as_ref()
            .is_some_and(|d| calls(d.as_str(), &all))
        {
            deferred.domain_defaults.insert(name.clone());
        }
        for check in domain.checks.values() {
            if calls(check.expression.as_str(), &all) {
                deferred
                    .domain_checks
                    .insert((name.clone(), check.name.clone()));
            }
        }
    }
    if late.is_empty() {
        return deferred;
    }
    for (name, table) in &catalog.tables {
        for column in &table.columns {
            if column
                .default
                .as_ref()
                .is_some_and(|d| calls(d.as_str(), &late))
            {
                deferred
                    .column_defaults
                    .insert((name.clone(), column.name.clone()));
            }
        }
        for constraint in table.constraints.values() {
            if let ConstraintKind::Check { expression, .. } = &constraint.kind
                && calls(expression.as_str(), &late)
            {
                deferred
                    .table_checks
                    .insert((name.clone(), constraint.name.clone()));
            }
        }
    }
    for (name, index) in &catalog.indexes {
        let expressions = index
            .keys
            .iter()
            .filter_map(|k| match &k.key {
                IndexKey::Expression(e) => Some(e.as_str()),
                IndexKey::Column(_) => None,
            })
            .chain(index.predicate.as_ref().map(|p| p.as_str()));
        if expressions.into_iter().any(|e| calls(e, &late)) {
            deferred.indexes.insert(name.clone());
        }
    }
    deferred
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(
        edges: &[(&'static str, &[&'static str])],
    ) -> BTreeMap<&'static str, BTreeSet<&'static str>> {
        edges
            .iter()
            .map(|(node, needs)| (*node, needs.iter().copied().collect()))
            .collect()
    }

    #[test]
    fn dependencies_first_then_by_key() {
        let deps = graph(&[("a", &["d"]), ("b", &[]), ("c", &["b"]), ("d", &[])]);
        assert_eq!(toposort(&deps), Ok(vec!["b", "c", "d", "a"]));
    }

    #[test]
    fn unknown_and_self_dependencies_are_ignored() {
        let deps = graph(&[("a", &["a", "zzz"]), ("b", &["a"])]);
        assert_eq!(toposort(&deps), Ok(vec!["a", "b"]));
    }

    #[test]
    fn a_cycle_names_its_members_only() {
        let deps = graph(&[
            ("a", &["b"]),
            ("b", &["c"]),
            ("c", &["a"]),
            ("d", &["a"]),
            ("e", &[]),
        ]);
        assert_eq!(toposort(&deps), Err(vec!["a", "b", "c"]));
    }

    #[test]
    fn qualified_names_in_signatures() {
        let found = qualified_names_in(
            r#"a public."UserAccounts", b "My ""Schema""".t[], c text DEFAULT 'x.y'::text, d numeric DEFAULT 1.5"#,
        );
        let expected: BTreeSet<QualifiedName> = [
            QualifiedName::new("public", "UserAccounts"),
            QualifiedName::new(r#"My "Schema""#, "t"),
        ]
        .into_iter()
        .collect();
        assert_eq!(found, expected);
        assert_eq!(
            qualified_names_in("SETOF fx.order_items"),
            [QualifiedName::new("fx", "order_items")]
                .into_iter()
                .collect()
        );
        assert!(qualified_names_in("TABLE(a integer, b text)").is_empty());
    }

    #[test]
    fn called_functions_in_expressions() {
        let found = called_functions_in(
            r#"(app.next_no() + "Odd"."F n"(x, 'y.z(1)')) > pg_catalog.length(t.name) AND 'a'::app.mood = m"#,
        );
        let expected: BTreeSet<QualifiedName> = [
            QualifiedName::new("app", "next_no"),
            QualifiedName::new("Odd", "F n"),
            QualifiedName::new("pg_catalog", "length"),
        ]
        .into_iter()
        .collect();
        assert_eq!(found, expected);
        assert!(called_functions_in("nextval('app.s'::regclass)").is_empty());
    }
}
