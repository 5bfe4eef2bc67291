//! Ignore rules (`[ignore]` in `retort.toml`): objects retort leaves alone, because an
//! extension or another tool manages them. `retort check` and `retort revision` apply them to
//! both sides before comparing, so an ignored object is never reported, created or dropped.
//!
//! ```toml
//! [ignore]
//! kinds = ["policy"]
//! names = ["public.spatial_ref_sys", "table audit.*", "function public.pgp_*"]
//! ```
//!
//! A name pattern is a schema-qualified name (`schema.name`; `schema.table.name` for triggers
//! and policies) where `*` stands for any run of characters and `?` for one, optionally after
//! an object kind and a space. Ignoring a table ignores its indexes, triggers and the
//! sequences it owns.

use std::collections::BTreeSet;

use globset::{Glob, GlobMatcher};
use retort_catalog::{Catalog, QualifiedName};

/// The object kinds rules may name.
pub const KINDS: &[&str] = &[
    "schema",
    "extension",
    "collation",
    "enum",
    "domain",
    "composite-type",
    "sequence",
    "function",
    "table",
    "index",
    "view",
    "materialized-view",
    "trigger",
    "policy",
];

/// The rules, read.
#[derive(Clone, Debug, Default)]
pub struct IgnoreRules {
    kinds: BTreeSet<String>,
    names: Vec<(Option<String>, String, GlobMatcher)>,
}

impl PartialEq for IgnoreRules {
    fn eq(&self, other: &Self) -> bool {
        self.kinds == other.kinds
            && self.names.len() == other.names.len()
            && self
                .names
                .iter()
                .zip(&other.names)
                .all(|(a, b)| a.0 == b.0 && a.1 == b.1)
    }
}

impl Eq for IgnoreRules {}

impl IgnoreRules {
    /// Reads the rules; the error says which entry is wrong and why.
    pub fn new(kinds: &[String], names: &[String]) -> Result<IgnoreRules, String> {
        let mut rules = IgnoreRules::default();
        for kind in kinds {
            if !KINDS.contains(&kind.as_str()) {
                return Err(format!(
                    "unknown object kind {kind:?} in ignore.kinds (one of {})",
                    KINDS.join(", ")
                ));
            }
            rules.kinds.insert(kind.clone());
        }
        for entry in names {
            let (kind, pattern) = match entry.split_once(' ') {
                Some((kind, rest)) if KINDS.contains(&kind) => {
                    (Some(kind.to_owned()), rest.trim().to_owned())
                }
                Some((kind, _)) if !kind.contains('.') => {
                    return Err(format!(
                        "unknown object kind {kind:?} in ignore.names entry {entry:?} (one of {})",
                        KINDS.join(", ")
                    ));
                }
                _ => (None, entry.trim().to_owned()),
            };
            if pattern.is_empty() {
                return Err(format!("ignore.names entry {entry:?} names nothing"));
            }
            let matcher = Glob::new(&pattern)
                .map_err(|e| format!("ignore.names entry {entry:?}: {e}"))?
                .compile_matcher();
            rules.names.push((kind, pattern, matcher));
        }
        Ok(rules)
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty() && self.names.is_empty()
    }

    /// Whether an object of `kind` named `name` is ignored.
    pub fn ignores(&self, kind: &str, name: &str) -> bool {
        self.kinds.contains(kind)
            || self.names.iter().any(|(k, _, matcher)| {
                k.as_deref().is_none_or(|k| k == kind) && matcher.is_match(name)
            })
    }

    /// Removes every ignored object from `catalog`.
    pub fn apply(&self, catalog: &mut Catalog) {
        if self.is_empty() {
            return;
        }
        let q = |name: &QualifiedName| format!("{}.{}", name.schema.as_str(), name.name.as_str());
        catalog
            .schemas
            .retain(|name, _| !self.ignores("schema", name.as_str()));
        catalog
            .extensions
            .retain(|name, _| !self.ignores("extension", name.as_str()));
        catalog
            .collations
            .retain(|name, _| !self.ignores("collation", &q(name)));
        catalog
            .enums
            .retain(|name, _| !self.ignores("enum", &q(name)));
        catalog
            .domains
            .retain(|name, _| !self.ignores("domain", &q(name)));
        catalog
            .composite_types
            .retain(|name, _| !self.ignores("composite-type", &q(name)));
        catalog.functions.retain(|id, _| {
            !self.ignores(
                "function",
                &format!("{}.{}", id.schema.as_str(), id.name.as_str()),
            )
        });
        let ignored_tables: BTreeSet<QualifiedName> = catalog
            .tables
            .keys()
            .filter(|name| self.ignores("table", &q(name)))
            .cloned()
            .collect();
        catalog
            .tables
            .retain(|name, _| !ignored_tables.contains(name));
        catalog.views.retain(|name, view| {
            let kind = if view.materialized {
                "materialized-view"
            } else {
                "view"
            };
            !self.ignores(kind, &q(name))
        });
        catalog.indexes.retain(|name, index| {
            !ignored_tables.contains(&index.table) && !self.ignores("index", &q(name))
        });
        catalog.sequences.retain(|name, sequence| {
            let owned_by_ignored = sequence
                .owned_by
                .as_ref()
                .is_some_and(|owner| ignored_tables.contains(&owner.table));
            !owned_by_ignored && !self.ignores("sequence", &q(name))
        });
        catalog.triggers.retain(|id, _| {
            !ignored_tables.contains(&id.table)
                && !self.ignores("trigger", &format!("{}.{}", q(&id.table), id.name.as_str()))
        });
        for (name, table) in &mut catalog.tables {
            let prefix = q(name);
            table.policies.retain(|policy, _| {
                !self.ignores("policy", &format!("{prefix}.{}", policy.as_str()))
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(sql: &str) -> Catalog {
        match retort_declare::load::load_sql("t.sql", sql) {
            Ok(loaded) => loaded.catalog,
            Err(e) => panic!("{}", e.render()),
        }
    }

    fn rules(kinds: &[&str], names: &[&str]) -> IgnoreRules {
        let own = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        match IgnoreRules::new(&own(kinds), &own(names)) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn ignored_tables_take_their_indexes_triggers_and_sequences() {
        let mut c = catalog(
            "CREATE TABLE public.spatial_ref_sys (id serial PRIMARY KEY, srtext text);\n\
             CREATE INDEX srs_text ON public.spatial_ref_sys (srtext);\n\
             CREATE TABLE public.keep (id int);\n\
             CREATE TABLE public.audit_a (id int);\n\
             CREATE VIEW public.v AS SELECT 1 AS one;\n",
        );
        rules(
            &["view"],
            &["public.spatial_ref_sys", "table public.audit_*"],
        )
        .apply(&mut c);
        let tables: Vec<String> = c
            .tables
            .keys()
            .map(|q| q.name.as_str().to_owned())
            .collect();
        assert_eq!(tables, ["keep"]);
        assert!(c.indexes.is_empty(), "{:?}", c.indexes.keys());
        assert!(c.sequences.is_empty(), "{:?}", c.sequences.keys());
        assert!(c.views.is_empty());
    }

    #[test]
    fn a_kind_limits_a_pattern() {
        let r = rules(&[], &["index public.*"]);
        assert!(r.ignores("index", "public.users_email"));
        assert!(!r.ignores("table", "public.users"));
        let r = rules(&[], &["public.users?"]);
        assert!(r.ignores("table", "public.users2"));
        assert!(!r.ignores("table", "public.users"));
    }

    #[test]
    fn bad_rules_say_why() {
        let own = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let err = IgnoreRules::new(&own(&["tables"]), &[])
            .err()
            .unwrap_or_default();
        assert!(
            err.starts_with("unknown object kind \"tables\" in ignore.kinds"),
            "{err}"
        );
        let err = IgnoreRules::new(&[], &own(&["tabel public.x"]))
            .err()
            .unwrap_or_default();
        assert!(err.starts_with("unknown object kind \"tabel\""), "{err}");
        let err = IgnoreRules::new(&[], &own(&["public.[x"]))
            .err()
            .unwrap_or_default();
        assert!(err.starts_with("ignore.names entry \"public.[x\""), "{err}");
    }
}
