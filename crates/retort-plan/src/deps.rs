//! What each object of a catalog depends on, as object ids.
//!
//! Dependencies come from the catalog's structure (a column's type, a foreign key's referenced
//! table, a trigger's function, a view's `depends_on`) and from the names written in canonical
//! SQL text (a default calling `public.next_id()`, `nextval('public.seq'::regclass)`, a view
//! using a column). Text is scanned for names only; a spurious match adds an edge, never
//! removes one.

use std::collections::{BTreeMap, BTreeSet};

use retort_catalog::{
    Catalog, Column, ConstraintKind, FunctionId, Ident, IndexKey, ObjectId, ObjectRef,
    QualifiedName, Table, TriggerEvent, TypeRef,
};

/// Dependencies of every object of one catalog.
#[derive(Debug, Default)]
pub(crate) struct Deps {
    /// What each object needs.
    pub on: BTreeMap<ObjectId, BTreeSet<ObjectId>>,
    /// The reverse: who needs each object.
    pub by: BTreeMap<ObjectId, BTreeSet<ObjectId>>,
}

impl Deps {
    pub fn of(&self, id: &ObjectId) -> impl Iterator<Item = &ObjectId> {
        self.on.get(id).into_iter().flatten()
    }

    pub fn dependents(&self, id: &ObjectId) -> impl Iterator<Item = &ObjectId> {
        self.by.get(id).into_iter().flatten()
    }
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

pub(crate) fn build(catalog: &Catalog) -> Deps {
    let names = Names::new(catalog);
    let mut unique_indexes: BTreeMap<&QualifiedName, Vec<&retort_catalog::Index>> = BTreeMap::new();
    for i in catalog.indexes.values().filter(|i| i.unique) {
        unique_indexes.entry(&i.table).or_default().push(i);
    }
    let mut on: BTreeMap<ObjectId, BTreeSet<ObjectId>> = BTreeMap::new();
    let schema_dep = |schema: &Ident, set: &mut BTreeSet<ObjectId>| {
        if catalog.schemas.contains_key(schema) {
            set.insert(ObjectId::Schema {
                name: schema.clone(),
            });
        }
    };

    for e in catalog.extensions.values() {
        let mut set = BTreeSet::new();
        schema_dep(&e.schema, &mut set);
        for r in &e.requires {
            if catalog.extensions.contains_key(r) {
                set.insert(ObjectId::Extension { name: r.clone() });
            }
        }
        on.insert(
            ObjectId::Extension {
                name: e.name.clone(),
            },
            set,
        );
    }
    for c in catalog.collations.values() {
        let mut set = BTreeSet::new();
        schema_dep(&c.name.schema, &mut set);
        on.insert(
            ObjectId::Collation {
                name: c.name.clone(),
            },
            set,
        );
    }
    for e in catalog.enums.values() {
        let mut set = BTreeSet::new();
        schema_dep(&e.name.schema, &mut set);
        on.insert(
            ObjectId::Enum {
                name: e.name.clone(),
            },
            set,
        );
    }
    for d in catalog.domains.values() {
        let mut set = BTreeSet::new();
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
        let id = ObjectId::Domain {
            name: d.name.clone(),
        };
        set.remove(&id);
        on.insert(id, set);
    }
    for t in catalog.composite_types.values() {
        let mut set = BTreeSet::new();
        schema_dep(&t.name.schema, &mut set);
        for a in &t.attributes {
            set.extend(names.type_ref(&a.data_type));
            if let Some(c) = &a.collation {
                set.extend(names.collation(c));
            }
        }
        let id = ObjectId::CompositeType {
            name: t.name.clone(),
        };
        set.remove(&id);
        on.insert(id, set);
    }
    for s in catalog.sequences.values() {
        let mut set = BTreeSet::new();
        schema_dep(&s.name.schema, &mut set);
        on.insert(
            ObjectId::Sequence {
                name: s.name.clone(),
            },
            set,
        );
    }
    for f in catalog.functions.values() {
        let mut set = BTreeSet::new();
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
        let id = ObjectId::Function { id: f.id.clone() };
        set.remove(&id);
        on.insert(id, set);
    }
    for t in catalog.tables.values() {
        let table_id = ObjectId::Table {
            name: t.name.clone(),
        };
        let mut set = BTreeSet::new();
        schema_dep(&t.name.schema, &mut set);
        if let Some(p) = &t.partition_of
            && catalog.tables.contains_key(&p.parent)
        {
            set.insert(ObjectId::Table {
                name: p.parent.clone(),
            });
        }
        for parent in &t.inherits {
            if catalog.tables.contains_key(parent) {
                set.insert(ObjectId::Table {
                    name: parent.clone(),
                });
            }
        }
        if let Some(key) = &t.partition_by {
            names.in_text(&key.key, &mut set);
        }
        set.remove(&table_id);
        on.insert(table_id.clone(), set);
        for c in &t.columns {
            on.insert(
                column_id(&t.name, &c.name),
                column_deps(&names, &table_id, c),
            );
        }
        for c in t.constraints.values() {
            let mut set = BTreeSet::from([table_id.clone()]);
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
                    names.in_text(expression.as_str(), &mut set);
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
                            &unique_indexes,
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
                                names.in_text(x.as_str(), &mut set);
                                set.extend(columns_named(t, &words_in(x.as_str())));
                            }
                        }
                    }
                    for col in include {
                        set.insert(column_id(&t.name, col));
                    }
                    if let Some(p) = predicate {
                        names.in_text(p.as_str(), &mut set);
                        set.extend(columns_named(t, &words_in(p.as_str())));
                    }
                }
            }
            let id = ObjectId::Constraint {
                table: t.name.clone(),
                constraint: c.name.clone(),
            };
            set.remove(&id);
            on.insert(id, set);
        }
        for p in t.policies.values() {
            let mut set = BTreeSet::from([table_id.clone()]);
            for x in p.using.iter().chain(&p.with_check) {
                names.in_text(x.as_str(), &mut set);
                set.extend(columns_named(t, &words_in(x.as_str())));
            }
            on.insert(
                ObjectId::Policy {
                    table: t.name.clone(),
                    policy: p.name.clone(),
                },
                set,
            );
        }
    }
    for i in catalog.indexes.values() {
        let mut set = BTreeSet::new();
        schema_dep(&i.name.schema, &mut set);
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
                    set.insert(column_id(&i.table, c));
                }
                IndexKey::Expression(x) => texts.push(x.as_str()),
            }
            if let Some(c) = &k.collation {
                set.extend(names.collation(c));
            }
        }
        for c in &i.include {
            set.insert(column_id(&i.table, c));
        }
        if let Some(p) = &i.predicate {
            texts.push(p.as_str());
        }
        for text in texts {
            names.in_text(text, &mut set);
            if let Some(t) = on_table {
                set.extend(columns_named(t, &words_in(text)));
            }
        }
        // Columns of a materialized view are not objects of their own.
        if on_table.is_none() {
            set.retain(|d| !matches!(d, ObjectId::Column { .. }));
        }
        on.insert(
            ObjectId::Index {
                name: i.name.clone(),
            },
            set,
        );
    }
    for v in catalog.views.values() {
        let id = ObjectId::View {
            name: v.name.clone(),
        };
        let mut set = BTreeSet::new();
        schema_dep(&v.name.schema, &mut set);
        let words = words_in(&v.definition);
        // The definition names every relation and function it uses, qualified (the offline
        // reader does not fill `depends_on`).
        let mut named = BTreeSet::new();
        names.in_text(&v.definition, &mut named);
        for d in &named {
            if let ObjectId::Table { name } = d
                && let Some(t) = catalog.tables.get(name)
            {
                set.extend(columns_named(t, &words));
            }
        }
        set.extend(named);
        for r in &v.depends_on {
            match r {
                ObjectRef::Relation { name } => {
                    set.extend(names.relation_or_type(name));
                    if let Some(t) = catalog.tables.get(name) {
                        set.extend(columns_named(t, &words));
                    }
                }
                ObjectRef::Type { name } => set.extend(names.relation_or_type(name)),
                ObjectRef::Function { id } => {
                    if catalog.functions.contains_key(id) {
                        set.insert(ObjectId::Function { id: id.clone() });
                    }
                }
            }
        }
        set.remove(&id);
        on.insert(id, set);
    }
    for (tid, t) in &catalog.triggers {
        let mut set = BTreeSet::new();
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
            names.in_text(when.as_str(), &mut set);
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
        on.insert(ObjectId::Trigger { id: tid.clone() }, set);
    }

    let mut by: BTreeMap<ObjectId, BTreeSet<ObjectId>> = BTreeMap::new();
    for (id, set) in &on {
        for d in set {
            by.entry(d.clone()).or_default().insert(id.clone());
        }
    }
    Deps { on, by }
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
