//! A catalog read from TOML files, brought to PostgreSQL's canonical forms: types as
//! `format_type` prints them and expressions as `pg_get_expr` prints them, so that a
//! hand-written `int` or `'x'` compares equal to what the server stores.

use retort_catalog::{IndexKey, SqlExpr, TypeRef};

use super::Loader;
use super::scope::{ExprScope, resolved};
use crate::canon::expr::{Role, TypeKind};
use crate::sql;

impl Loader {
    /// Canonical form of a type written in TOML; kept as written (and noted) when it cannot
    /// be read.
    fn canonical_type(&self, written: &TypeRef, object: &str) -> TypeRef {
        let result = sql::parse_data_type(&written.sql)
            .map_err(|e| e.to_string())
            .and_then(|t| self.resolve_type(&t).map_err(|p| p.message));
        match result {
            Ok(t) => t,
            Err(e) => {
                self.approximate(format!(
                    "type `{}` of {object} kept as written: {e}",
                    written.sql
                ));
                written.clone()
            }
        }
    }

    /// Canonical form of an expression written in TOML, in `scope` and `role`.
    fn canonical_expr(
        &self,
        written: &SqlExpr,
        scope: &ExprScope<'_>,
        role: &Role,
        object: &str,
    ) -> Option<SqlExpr> {
        match sql::parse_expr(written.as_str()) {
            Ok(expr) => {
                if let Role::Default { target } = role
                    && !matches!(target.kind, TypeKind::Domain { .. })
                    && crate::canon::expr::is_null_default(&expr)
                {
                    return None;
                }
                match crate::canon::expr::canonicalize(&expr, role, scope) {
                    Ok(text) => Some(SqlExpr::new(text)),
                    Err(e) => {
                        self.approximate(format!(
                            "expression `{}` of {object} kept as written: {}",
                            written.as_str(),
                            e.message
                        ));
                        Some(written.clone())
                    }
                }
            }
            Err(e) => {
                self.approximate(format!(
                    "expression `{}` of {object} kept as written: {e}",
                    written.as_str()
                ));
                Some(written.clone())
            }
        }
    }

    /// Brings the types and expressions of the objects `declared` holds (a TOML catalog,
    /// already merged in) to canonical form; canonical text stays as it is.
    pub(super) fn canonicalize_declared(&mut self, declared: &retort_catalog::Catalog) {
        let mut catalog = self.catalog.clone();
        catalog
            .domains
            .retain(|k, _| declared.domains.contains_key(k));
        catalog
            .composite_types
            .retain(|k, _| declared.composite_types.contains_key(k));
        catalog
            .tables
            .retain(|k, _| declared.tables.contains_key(k));
        catalog
            .indexes
            .retain(|k, _| declared.indexes.contains_key(k));
        catalog
            .triggers
            .retain(|k, _| declared.triggers.contains_key(k));
        for domain in catalog.domains.values_mut() {
            let object = format!("domain {}", domain.name);
            domain.base_type = self.canonical_type(&domain.base_type, &object);
            let target = resolved(self, &domain.base_type);
            let scope = ExprScope::empty(self);
            domain.default = domain.default.as_ref().and_then(|d| {
                self.canonical_expr(
                    d,
                    &scope,
                    &Role::Default {
                        target: target.clone(),
                    },
                    &object,
                )
            });
            let mut check_scope = ExprScope::empty(self);
            check_scope.domain = true;
            check_scope
                .columns
                .push(("value".to_owned(), target.clone()));
            for check in domain.checks.values_mut() {
                if let Some(e) =
                    self.canonical_expr(&check.expression, &check_scope, &Role::Check, &object)
                {
                    check.expression = e;
                }
            }
        }
        for composite in catalog.composite_types.values_mut() {
            for a in &mut composite.attributes {
                let object = format!("attribute {}.{}", composite.name, a.name);
                a.data_type = self.canonical_type(&a.data_type, &object);
            }
        }
        for table in catalog.tables.values_mut() {
            for c in &mut table.columns {
                let object = format!("column {}.{}", table.name, c.name);
                c.data_type = self.canonical_type(&c.data_type, &object);
            }
            let scope = ExprScope::of_columns(self, &table.name, &table.columns);
            for c in &mut table.columns {
                let object = format!("column {}.{}", table.name, c.name);
                let target = resolved(self, &c.data_type);
                let empty = ExprScope::empty(self);
                c.default = c.default.as_ref().and_then(|d| {
                    self.canonical_expr(
                        d,
                        &empty,
                        &Role::Default {
                            target: target.clone(),
                        },
                        &object,
                    )
                });
                if let Some(g) = &mut c.generated
                    && let Some(e) = self.canonical_expr(
                        &g.expression,
                        &scope,
                        &Role::Generated { target },
                        &object,
                    )
                {
                    g.expression = e;
                }
            }
            for constraint in table.constraints.values_mut() {
                let object = format!("constraint {} of {}", constraint.name, table.name);
                match &mut constraint.kind {
                    retort_catalog::ConstraintKind::Check { expression, .. } => {
                        if let Some(e) =
                            self.canonical_expr(expression, &scope, &Role::Check, &object)
                        {
                            *expression = e;
                        }
                    }
                    retort_catalog::ConstraintKind::Exclusion {
                        elements,
                        predicate,
                        ..
                    } => {
                        for element in elements {
                            if let IndexKey::Expression(e) = &element.key.key
                                && let Some(c) =
                                    self.canonical_expr(e, &scope, &Role::IndexKey, &object)
                            {
                                element.key.key = IndexKey::Expression(c);
                            }
                        }
                        if let Some(p) = predicate.as_ref() {
                            *predicate = self.canonical_expr(p, &scope, &Role::Predicate, &object);
                        }
                    }
                    _ => {}
                }
            }
            for policy in table.policies.values_mut() {
                let object = format!("policy {} on {}", policy.name, table.name);
                if let Some(u) = policy.using.as_ref() {
                    policy.using = self.canonical_expr(u, &scope, &Role::Predicate, &object);
                }
                if let Some(w) = policy.with_check.as_ref() {
                    policy.with_check = self.canonical_expr(w, &scope, &Role::Predicate, &object);
                }
            }
        }
        // Index keys and trigger conditions read the tables' canonical columns.
        self.catalog
            .tables
            .extend(std::mem::take(&mut catalog.tables));
        for index in catalog.indexes.values_mut() {
            let object = format!("index {}", index.name);
            let columns = catalog_columns(&self.catalog, &index.table);
            let scope = ExprScope::of_columns(self, &index.table, &columns);
            for key in &mut index.keys {
                if let IndexKey::Expression(e) = &key.key
                    && let Some(c) = self.canonical_expr(e, &scope, &Role::IndexKey, &object)
                {
                    key.key = IndexKey::Expression(c);
                }
            }
            if let Some(p) = index.predicate.as_ref() {
                index.predicate = self.canonical_expr(p, &scope, &Role::Predicate, &object);
            }
        }
        for trigger in catalog.triggers.values_mut() {
            let object = format!("trigger {} on {}", trigger.id.name, trigger.id.table);
            if let Some(w) = trigger.when.as_ref() {
                let columns = catalog_columns(&self.catalog, &trigger.id.table);
                let mut scope = ExprScope::of_columns(self, &trigger.id.table, &columns);
                scope.qualifiers = vec!["new".to_owned(), "old".to_owned()];
                trigger.when = self.canonical_expr(w, &scope, &Role::Predicate, &object);
            }
        }
        self.catalog.domains.extend(catalog.domains);
        self.catalog.composite_types.extend(catalog.composite_types);
        self.catalog.indexes.extend(catalog.indexes);
        self.catalog.triggers.extend(catalog.triggers);
    }
}

fn catalog_columns(
    catalog: &retort_catalog::Catalog,
    table: &retort_catalog::QualifiedName,
) -> Vec<retort_catalog::Column> {
    catalog
        .tables
        .get(table)
        .map(|t| t.columns.clone())
        .unwrap_or_default()
}
