//! What each object of a catalog depends on, as object ids.
//!
//! Dependencies come from the catalog's structure (a column's type, a foreign key's referenced
//! table, a trigger's function, a view's `depends_on`) and from the names written in canonical
//! SQL text (a default calling `public.next_id()`, `nextval('public.seq'::regclass)`, a view
//! using a column). Text is scanned for names only; a spurious match adds an edge, never
//! removes one.

use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use retort_catalog::{
    Catalog, Column, ConstraintKind, FunctionId, Ident, IndexKey, ObjectId, ObjectRef,
    QualifiedName, Table, TriggerEvent, TypeRef,
};

/// Dependencies of every object of one catalog.
/// Dependencies of the objects of one catalog, computed when asked: what an object needs
/// ([`Deps::of`]) and who needs it ([`Deps::dependents`]).
pub(crate) struct Deps<'c> {
    catalog: &'c Catalog,
    names: Names<'c>,
    unique_indexes: BTreeMap<&'c QualifiedName, Vec<&'c retort_catalog::Index>>,
    /// For each table, the objects that may depend on it or on its columns.
    on_table: OnceCell<Refs<'c>>,
    /// Dependencies computed so far (lookups only: never iterated).
    cache: RefCell<HashMap<ObjectId, Rc<BTreeSet<ObjectId>>>>,
}

impl<'c> Deps<'c> {
    pub fn new(catalog: &'c Catalog) -> Self {
        let mut unique_indexes: BTreeMap<&QualifiedName, Vec<&retort_catalog::Index>> =
            BTreeMap::new();
        for i in catalog.indexes.values().filter(|i| i.unique) {
            unique_indexes.entry(&i.table).or_default().push(i);
        }
        Deps {
            catalog,
            names: Names::new(catalog),
            unique_indexes,
            on_table: OnceCell::new(),
            cache: RefCell::new(HashMap::new()),
        }
    }

    /// What `id` needs, in order.
    pub fn of(&self, id: &ObjectId) -> BTreeSet<ObjectId> {
        (*self.shared(id)).clone()
    }

    fn shared(&self, id: &ObjectId) -> Rc<BTreeSet<ObjectId>> {
        if let Some(found) = self.cache.borrow().get(id) {
            return found.clone();
        }
        let computed = Rc::new(compute(self.catalog, &self.names, &self.unique_indexes, id));
        self.cache.borrow_mut().insert(id.clone(), computed.clone());
        computed
    }

    /// Who needs `id`, in order.
    pub fn dependents(&self, id: &ObjectId) -> BTreeSet<ObjectId> {
        let table = match id {
            // Nothing depends on these.
            ObjectId::Trigger { .. } | ObjectId::Policy { .. } => return BTreeSet::new(),
            ObjectId::Table { name } | ObjectId::View { name } => Some(name),
            ObjectId::Column { table, .. } | ObjectId::Constraint { table, .. } => Some(table),
            ObjectId::Index { name } => self.catalog.indexes.get(name).map(|i| &i.table),
            _ => None,
        };
        let all;
        let candidates: &[ObjectId] = match table {
            Some(t) => {
                all = self.table_candidates(t);
                &all
            }
            None => {
                all = self.all_candidates();
                &all
            }
        };
        candidates
            .iter()
            .filter(|z| *z != id && self.shared(z).contains(id))
            .cloned()
            .collect()
    }

    /// Who may depend on a table, a view or their members: the table's own members, the
    /// indexes and triggers on it, foreign keys that reference it, its children, and the
    /// objects whose SQL names it.
    fn table_candidates(&self, relation: &QualifiedName) -> Vec<ObjectId> {
        let refs = self.refs();
        let mut out = Vec::new();
        if let Some(t) = self.catalog.tables.get(relation) {
            out.extend(table_members(t));
        }
        for i in refs.indexes.get(relation).into_iter().flatten() {
            out.push(ObjectId::Index { name: (*i).clone() });
        }
        for t in refs.triggers.get(relation).into_iter().flatten() {
            out.push(ObjectId::Trigger { id: (*t).clone() });
        }
        for (table, constraint) in refs.referencing.get(relation).into_iter().flatten() {
            out.push(ObjectId::Constraint {
                table: (*table).clone(),
                constraint: (*constraint).clone(),
            });
        }
        for child in refs.children.get(relation).into_iter().flatten() {
            out.push(ObjectId::Table {
                name: (*child).clone(),
            });
        }
        out.extend(refs.texts.get(relation).into_iter().flatten().cloned());
        out.sort();
        out.dedup();
        out
    }

    /// References by table, built once, without copying names.
    fn refs(&self) -> &Refs<'c> {
        self.on_table.get_or_init(|| {
            let c = self.catalog;
            let mut refs = Refs::default();
            for i in c.indexes.values() {
                refs.indexes.entry(&i.table).or_default().push(&i.name);
            }
            for tid in c.triggers.keys() {
                refs.triggers.entry(&tid.table).or_default().push(tid);
            }
            // Objects whose SQL text may name any table: their dependencies say which.
            let mut texts: Vec<ObjectId> = Vec::new();
            for t in c.tables.values() {
                for k in t.constraints.values() {
                    if let ConstraintKind::ForeignKey { references, .. } = &k.kind
                        && references != &t.name
                    {
                        refs.referencing
                            .entry(references)
                            .or_default()
                            .push((&t.name, &k.name));
                    }
                }
                for parent in t.partition_of.iter().map(|p| &p.parent).chain(&t.inherits) {
                    refs.children.entry(parent).or_default().push(&t.name);
                }
                for p in t.policies.keys() {
                    texts.push(ObjectId::Policy {
                        table: t.name.clone(),
                        policy: p.clone(),
                    });
                }
            }
            texts.extend(c.views.keys().map(|n| ObjectId::View { name: n.clone() }));
            texts.extend(
                c.functions
                    .keys()
                    .map(|f| ObjectId::Function { id: f.clone() }),
            );
            texts.extend(
                c.domains
                    .keys()
                    .map(|n| ObjectId::Domain { name: n.clone() }),
            );
            texts.extend(
                c.composite_types
                    .keys()
                    .map(|n| ObjectId::CompositeType { name: n.clone() }),
            );
            for z in texts {
                for d in self.shared(&z).iter() {
                    let relation = match d {
                        ObjectId::Table { name } | ObjectId::View { name } => name,
                        ObjectId::Column { table, .. } => table,
                        _ => continue,
                    };
                    let key = c
                        .tables
                        .get_key_value(relation)
                        .map(|(k, _)| k)
                        .or_else(|| c.views.get_key_value(relation).map(|(k, _)| k));
                    if let Some(key) = key {
                        refs.texts.entry(key).or_default().push(z.clone());
                    }
                }
            }
            refs
        })
    }

    /// Every object that can depend on something, for targets that are not tables.
    fn all_candidates(&self) -> Vec<ObjectId> {
        let c = self.catalog;
        let mut out = Vec::new();
        out.extend(
            c.extensions
                .keys()
                .map(|n| ObjectId::Extension { name: n.clone() }),
        );
        out.extend(
            c.collations
                .keys()
                .map(|n| ObjectId::Collation { name: n.clone() }),
        );
        out.extend(c.enums.keys().map(|n| ObjectId::Enum { name: n.clone() }));
        out.extend(
            c.domains
                .keys()
                .map(|n| ObjectId::Domain { name: n.clone() }),
        );
        out.extend(
            c.composite_types
                .keys()
                .map(|n| ObjectId::CompositeType { name: n.clone() }),
        );
        out.extend(
            c.sequences
                .keys()
                .map(|n| ObjectId::Sequence { name: n.clone() }),
        );
        out.extend(
            c.functions
                .keys()
                .map(|n| ObjectId::Function { id: n.clone() }),
        );
        for t in c.tables.values() {
            out.push(ObjectId::Table {
                name: t.name.clone(),
            });
            out.extend(table_members(t));
        }
        out.extend(
            c.indexes
                .keys()
                .map(|n| ObjectId::Index { name: n.clone() }),
        );
        out.extend(c.views.keys().map(|n| ObjectId::View { name: n.clone() }));
        out.extend(
            c.triggers
                .keys()
                .map(|n| ObjectId::Trigger { id: n.clone() }),
        );
        out
    }
}

/// What refers to each table, by reference (lookups only: never iterated).
#[derive(Default)]
struct Refs<'c> {
    indexes: HashMap<&'c QualifiedName, Vec<&'c QualifiedName>>,
    triggers: HashMap<&'c QualifiedName, Vec<&'c retort_catalog::TriggerId>>,
    referencing: HashMap<&'c QualifiedName, Vec<(&'c QualifiedName, &'c Ident)>>,
    children: HashMap<&'c QualifiedName, Vec<&'c QualifiedName>>,
    texts: HashMap<&'c QualifiedName, Vec<ObjectId>>,
}

/// Names in a catalog, for resolving text.
struct Names<'c> {
    catalog: &'c Catalog,
    functions: BTreeMap<QualifiedName, Vec<&'c FunctionId>>,
}

impl<'c> Names<'c> {
    fn new(catalog: &'c Catalog) -> Self {
        let mut functions: BTreeMap<QualifiedName, Vec<&FunctionId>> = BTreeMap::new();
        for id in catalog.functions.keys() {
            functions.entry(id.qualified_name()).or_default().push(id);
        }
        Names { catalog, functions }
    }

    /// A relation or type of that name.
    fn relation_or_type(&self, name: &QualifiedName) -> Option<ObjectId> {
        let c = self.catalog;
        let name = name.clone();
        if c.tables.contains_key(&name) {
            Some(ObjectId::Table { name })
        } else if c.views.contains_key(&name) {
            Some(ObjectId::View { name })
        } else if c.sequences.contains_key(&name) {
            Some(ObjectId::Sequence { name })
        } else if c.enums.contains_key(&name) {
            Some(ObjectId::Enum { name })
        } else if c.domains.contains_key(&name) {
            Some(ObjectId::Domain { name })
        } else if c.composite_types.contains_key(&name) {
            Some(ObjectId::CompositeType { name })
        } else {
            None
        }
    }

    fn type_ref(&self, t: &TypeRef) -> Option<ObjectId> {
        t.user_type.as_ref().and_then(|n| self.relation_or_type(n))
    }

    fn collation(&self, name: &QualifiedName) -> Option<ObjectId> {
        self.catalog
            .collations
            .contains_key(name)
            .then(|| ObjectId::Collation { name: name.clone() })
    }

    /// Every object an SQL text names: functions it calls, relations and types it mentions
    /// (also inside `'schema.name'::regclass` literals).
    fn in_text(&self, text: &str, out: &mut BTreeSet<ObjectId>) {
        for name in retort_sql::called_functions_in(text) {
            if let Some(ids) = self.functions.get(&name) {
                out.extend(
                    ids.iter()
                        .map(|id| ObjectId::Function { id: (*id).clone() }),
                );
            }
        }
        for name in retort_sql::qualified_names_in(text) {
            if let Some(id) = self.relation_or_type(&name) {
                out.insert(id);
            }
        }
        for name in literal_names(text) {
            if let Some(id) = self.relation_or_type(&name) {
                out.insert(id);
            }
        }
    }
}

/// Qualified names written inside string literals (`nextval('public.seq'::regclass)`).
fn literal_names(text: &str) -> Vec<QualifiedName> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('\'') {
        let after = &rest[start + 1..];
        let mut end = 0;
        let bytes = after.as_bytes();
        let mut value = String::new();
        while end < bytes.len() {
            if bytes[end] == b'\'' {
                if bytes.get(end + 1) == Some(&b'\'') {
                    value.push('\'');
                    end += 2;
                    continue;
                }
                break;
            }
            let ch = after[end..].chars().next().unwrap_or(' ');
            value.push(ch);
            end += ch.len_utf8();
        }
        if value.contains('.') {
            out.extend(retort_sql::qualified_names_in(&value));
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    out
}

/// Identifier tokens of SQL text, for matching column names (bare ones folded).
pub(crate) fn words_in(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c == '"' {
            let mut word = String::new();
            while let Some((_, d)) = chars.next() {
                if d == '"' {
                    if chars.peek().map(|(_, n)| *n) == Some('"') {
                        chars.next();
                        word.push('"');
                    } else {
                        break;
                    }
                } else {
                    word.push(d);
                }
            }
            out.insert(word);
        } else if c == '\'' {
            while let Some((_, d)) = chars.next() {
                if d == '\'' {
                    if chars.peek().map(|(_, n)| *n) == Some('\'') {
                        chars.next();
                    } else {
                        break;
                    }
                }
            }
        } else if c.is_alphabetic() || c == '_' {
            let mut word = c.to_lowercase().collect::<String>();
            while let Some((_, d)) = chars.peek().copied() {
                if d.is_alphanumeric() || d == '_' || d == '$' {
                    word.extend(d.to_lowercase());
                    chars.next();
                } else {
                    break;
                }
            }
            out.insert(word);
        }
    }
    out
}

/// The members of a table that go with it: columns, constraints, policies.
pub(crate) fn table_members(t: &Table) -> Vec<ObjectId> {
    let mut out = Vec::new();
    for c in &t.columns {
        out.push(column_id(&t.name, &c.name));
    }
    for c in t.constraints.keys() {
        out.push(ObjectId::Constraint {
            table: t.name.clone(),
            constraint: c.clone(),
        });
    }
    for p in t.policies.keys() {
        out.push(ObjectId::Policy {
            table: t.name.clone(),
            policy: p.clone(),
        });
    }
    out
}

pub(crate) fn column_id(table: &QualifiedName, column: &Ident) -> ObjectId {
    ObjectId::Column {
        table: table.clone(),
        column: column.clone(),
    }
}

/// The key (primary key, unique constraint or unique index) a foreign key references.
fn referenced_key(
    catalog: &Catalog,
    unique_indexes: &BTreeMap<&QualifiedName, Vec<&retort_catalog::Index>>,
    table: &QualifiedName,
    columns: &[Ident],
) -> Option<ObjectId> {
    let t = catalog.tables.get(table)?;
    let same =
        |cols: &[Ident]| cols.len() == columns.len() && columns.iter().all(|c| cols.contains(c));
    for c in t.constraints.values() {
        match &c.kind {
            ConstraintKind::PrimaryKey { columns: cols, .. }
            | ConstraintKind::Unique { columns: cols, .. }
                if same(cols) =>
            {
                return Some(ObjectId::Constraint {
                    table: table.clone(),
                    constraint: c.name.clone(),
                });
            }
            _ => {}
        }
    }
    unique_indexes
        .get(table)
        .into_iter()
        .flatten()
        .find(|i| {
            i.unique
                && i.predicate.is_none()
                && same(
                    &i.keys
                        .iter()
                        .filter_map(|k| match &k.key {
                            IndexKey::Column(c) => Some(c.clone()),
                            IndexKey::Expression(_) => None,
                        })
                        .collect::<Vec<_>>(),
                )
        })
        .map(|i| ObjectId::Index {
            name: i.name.clone(),
        })
}

/// The columns of `table` whose names appear in `words`.
fn columns_named<'t>(
    table: &'t Table,
    words: &'t BTreeSet<String>,
) -> impl Iterator<Item = ObjectId> + 't {
    table
        .columns
        .iter()
        .filter(|c| words.contains(c.name.as_str()))
        .map(|c| column_id(&table.name, &c.name))
}

/// The dependencies of one object.
fn compute(
    catalog: &Catalog,
    names: &Names<'_>,
    unique_indexes: &BTreeMap<&QualifiedName, Vec<&retort_catalog::Index>>,
    id: &ObjectId,
) -> BTreeSet<ObjectId> {
    let mut set = BTreeSet::new();
    let schema_dep = |schema: &Ident, set: &mut BTreeSet<ObjectId>| {
        if catalog.schemas.contains_key(schema) {
            set.insert(ObjectId::Schema {
                name: schema.clone(),
            });
        }
    };
    match id {
        ObjectId::Schema { .. } => {}
        ObjectId::Extension { name } => {
            if let Some(e) = catalog.extensions.get(name) {
                schema_dep(&e.schema, &mut set);
                for r in &e.requires {
                    if catalog.extensions.contains_key(r) {
                        set.insert(ObjectId::Extension { name: r.clone() });
                    }
                }
            }
        }
        ObjectId::Collation { name } | ObjectId::Enum { name } | ObjectId::Sequence { name } => {
            schema_dep(&name.schema, &mut set);
        }
        ObjectId::Domain { name } => {
            if let Some(d) = catalog.domains.get(name) {
                schema_dep(&d.name.schema, &mut set);
                set.extend(names.type_ref(&d.base_type));
                if let Some(c) = &d.collation {
                    set.extend(names.collation(c));
                }
                if let Some(default) = &d.default {
                    names.in_text(default.as_str(), &mut set);
                }
                for check in d.checks.values() {
                    names.in_text(check.expression.as_str(), &mut set);
                }
            }
        }
        ObjectId::CompositeType { name } => {
            if let Some(t) = catalog.composite_types.get(name) {
                schema_dep(&t.name.schema, &mut set);
                for a in &t.attributes {
                    set.extend(names.type_ref(&a.data_type));
                    if let Some(c) = &a.collation {
                        set.extend(names.collation(c));
                    }
                }
            }
        }
        ObjectId::Function { id: fid } => {
            if let Some(f) = catalog.functions.get(fid) {
                schema_dep(&f.id.schema, &mut set);
                for name in retort_sql::qualified_names_in(&f.arguments)
                    .into_iter()
                    .chain(
                        f.returns
                            .iter()
                            .flat_map(|r| retort_sql::qualified_names_in(r)),
                    )
                {
                    set.extend(names.relation_or_type(&name));
                }
                if f.sql_body {
                    names.in_text(&f.body, &mut set);
                }
                for r in &f.depends_on {
                    match r {
                        ObjectRef::Relation { name } | ObjectRef::Type { name } => {
                            set.extend(names.relation_or_type(name))
                        }
                        ObjectRef::Function { id } => {
                            if catalog.functions.contains_key(id) {
                                set.insert(ObjectId::Function { id: id.clone() });
                            }
                        }
                    }
                }
            }
        }
        ObjectId::Table { name } => {
            if let Some(t) = catalog.tables.get(name) {
                schema_dep(&t.name.schema, &mut set);
                for parent in t.partition_of.iter().map(|p| &p.parent).chain(&t.inherits) {
                    if catalog.tables.contains_key(parent) {
                        set.insert(ObjectId::Table {
                            name: parent.clone(),
                        });
                    }
                }
                if let Some(key) = &t.partition_by {
                    names.in_text(&key.key, &mut set);
                }
            }
        }
        ObjectId::Column { table, column } => {
            if let Some(t) = catalog.tables.get(table)
                && let Some(c) = t.column(column.as_str())
            {
                set = column_deps(
                    names,
                    &ObjectId::Table {
                        name: table.clone(),
                    },
                    c,
                );
            }
        }
        ObjectId::Constraint { table, constraint } => {
            if let Some(t) = catalog.tables.get(table)
                && let Some(c) = t.constraints.get(constraint)
            {
                set.insert(ObjectId::Table {
                    name: table.clone(),
                });
                constraint_deps(catalog, names, unique_indexes, t, c, &mut set);
            }
        }
        ObjectId::Policy { table, policy } => {
            if let Some(t) = catalog.tables.get(table)
                && let Some(p) = t.policies.get(policy)
            {
                set.insert(ObjectId::Table {
                    name: table.clone(),
                });
                for x in p.using.iter().chain(&p.with_check) {
                    names.in_text(x.as_str(), &mut set);
                    set.extend(columns_named(t, &words_in(x.as_str())));
                }
            }
        }
        ObjectId::Index { name } => {
            if let Some(i) = catalog.indexes.get(name) {
                schema_dep(&i.name.schema, &mut set);
                index_deps(catalog, names, i, &mut set);
            }
        }
        ObjectId::View { name } => {
            if let Some(v) = catalog.views.get(name) {
                schema_dep(&v.name.schema, &mut set);
                view_deps(catalog, names, v, &mut set);
            }
        }
        ObjectId::Trigger { id: tid } => {
            if let Some(t) = catalog.triggers.get(tid) {
                trigger_deps(catalog, names, tid, t, &mut set);
            }
        }
    }
    set.remove(id);
    set
}

fn constraint_deps(
    catalog: &Catalog,
    names: &Names<'_>,
    unique_indexes: &BTreeMap<&QualifiedName, Vec<&retort_catalog::Index>>,
    t: &Table,
    c: &retort_catalog::Constraint,
    set: &mut BTreeSet<ObjectId>,
) {
    match &c.kind {
        ConstraintKind::PrimaryKey {
            columns, include, ..
        }
        | ConstraintKind::Unique {
            columns, include, ..
        } => {
            for col in columns.iter().chain(include) {
                set.insert(column_id(&t.name, col));
            }
        }
        ConstraintKind::Check { expression, .. } => {
            names.in_text(expression.as_str(), set);
            let words = words_in(expression.as_str());
            set.extend(columns_named(t, &words));
        }
        ConstraintKind::ForeignKey {
            columns,
            references,
            referenced_columns,
            ..
        } => {
            for col in columns {
                set.insert(column_id(&t.name, col));
            }
            if catalog.tables.contains_key(references) {
                set.insert(ObjectId::Table {
                    name: references.clone(),
                });
                for col in referenced_columns {
                    set.insert(column_id(references, col));
                }
                set.extend(referenced_key(
                    catalog,
                    unique_indexes,
                    references,
                    referenced_columns,
                ));
            }
        }
        ConstraintKind::Exclusion {
            elements,
            include,
            predicate,
            ..
        } => {
            for e in elements {
                match &e.key.key {
                    IndexKey::Column(col) => {
                        set.insert(column_id(&t.name, col));
                    }
                    IndexKey::Expression(x) => {
                        names.in_text(x.as_str(), set);
                        set.extend(columns_named(t, &words_in(x.as_str())));
                    }
                }
            }
            for col in include {
                set.insert(column_id(&t.name, col));
            }
            if let Some(p) = predicate {
                names.in_text(p.as_str(), set);
                set.extend(columns_named(t, &words_in(p.as_str())));
            }
        }
    }
}

fn index_deps(
    catalog: &Catalog,
    names: &Names<'_>,
    i: &retort_catalog::Index,
    set: &mut BTreeSet<ObjectId>,
) {
    let on_table = catalog.tables.get(&i.table);
    if on_table.is_some() {
        set.insert(ObjectId::Table {
            name: i.table.clone(),
        });
    } else if catalog.views.contains_key(&i.table) {
        set.insert(ObjectId::View {
            name: i.table.clone(),
        });
    }
    let mut texts = Vec::new();
    for k in &i.keys {
        match &k.key {
            IndexKey::Column(c) => {
                if on_table.is_some() {
                    set.insert(column_id(&i.table, c));
                }
            }
            IndexKey::Expression(x) => texts.push(x.as_str()),
        }
        if let Some(c) = &k.collation {
            set.extend(names.collation(c));
        }
    }
    if on_table.is_some() {
        for c in &i.include {
            set.insert(column_id(&i.table, c));
        }
    }
    if let Some(p) = &i.predicate {
        texts.push(p.as_str());
    }
    for text in texts {
        names.in_text(text, set);
        if let Some(t) = on_table {
            set.extend(columns_named(t, &words_in(text)));
        }
    }
}

fn view_deps(
    catalog: &Catalog,
    names: &Names<'_>,
    v: &retort_catalog::View,
    set: &mut BTreeSet<ObjectId>,
) {
    let words = words_in(&v.definition);
    // The definition names every relation and function it uses, qualified (the offline
    // reader does not fill `depends_on`).
    let mut named = BTreeSet::new();
    names.in_text(&v.definition, &mut named);
    for r in &v.depends_on {
        match r {
            ObjectRef::Relation { name } | ObjectRef::Type { name } => {
                named.extend(names.relation_or_type(name))
            }
            ObjectRef::Function { id } => {
                if catalog.functions.contains_key(id) {
                    named.insert(ObjectId::Function { id: id.clone() });
                }
            }
        }
    }
    for d in &named {
        if let ObjectId::Table { name } = d
            && let Some(t) = catalog.tables.get(name)
        {
            set.extend(columns_named(t, &words));
        }
    }
    set.extend(named);
}

fn trigger_deps(
    catalog: &Catalog,
    names: &Names<'_>,
    tid: &retort_catalog::TriggerId,
    t: &retort_catalog::Trigger,
    set: &mut BTreeSet<ObjectId>,
) {
    if catalog.tables.contains_key(&tid.table) {
        set.insert(ObjectId::Table {
            name: tid.table.clone(),
        });
    } else if catalog.views.contains_key(&tid.table) {
        set.insert(ObjectId::View {
            name: tid.table.clone(),
        });
    }
    if let Some(ids) = names.functions.get(&t.function) {
        set.extend(
            ids.iter()
                .map(|id| ObjectId::Function { id: (*id).clone() }),
        );
    }
    for e in &t.events {
        if let TriggerEvent::Update(cols) = e {
            for c in cols {
                set.insert(column_id(&tid.table, c));
            }
        }
    }
    if let Some(when) = &t.when {
        names.in_text(when.as_str(), set);
        if let Some(table) = catalog.tables.get(&tid.table) {
            set.extend(columns_named(table, &words_in(when.as_str())));
        }
    }
    if let Some(c) = &t.constraint
        && let Some(r) = &c.referenced_table
        && catalog.tables.contains_key(r)
    {
        set.insert(ObjectId::Table { name: r.clone() });
    }
}

fn column_deps(names: &Names<'_>, table: &ObjectId, c: &Column) -> BTreeSet<ObjectId> {
    let mut set = BTreeSet::from([table.clone()]);
    set.extend(names.type_ref(&c.data_type));
    if let Some(coll) = &c.collation {
        set.extend(names.collation(coll));
    }
    if let Some(d) = &c.default {
        names.in_text(d.as_str(), &mut set);
    }
    if let Some(g) = &c.generated {
        names.in_text(g.expression.as_str(), &mut set);
    }
    set.remove(table);
    set.insert(table.clone());
    set
}
