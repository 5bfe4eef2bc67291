//! What names in declared types and expressions refer to: types (built-in, user-defined,
//! from extensions), columns, functions and sequences, resolved through the search path.

use retort_catalog::{Catalog, QualifiedName, TypeRef};
use sqlparser::ast::{ArrayElemTypeDef, DataType, Expr};

use super::{Loader, Problem, Result, name_parts};
use crate::canon::expr::{self, ResolvedType, Role, Scope, TypeKind};
use crate::canon::types::canonical_builtin;

/// Types that extensions create, by extension: offline, `CREATE EXTENSION` is known to
/// create these in its schema.
const EXTENSION_TYPES: &[(&str, &[&str])] = &[
    ("citext", &["citext"]),
    ("hstore", &["hstore"]),
    ("ltree", &["ltree", "lquery", "ltxtquery"]),
    ("cube", &["cube"]),
    ("seg", &["seg"]),
    ("vector", &["vector", "halfvec", "sparsevec"]),
    (
        "isn",
        &[
            "ean13", "isbn", "isbn13", "ismn", "ismn13", "issn", "issn13", "upc",
        ],
    ),
];

/// Functions that extensions create, by extension: name, argument types, result type.
const EXTENSION_FUNCTIONS: &[(&str, &str, &[&str], &str)] = &[
    ("uuid-ossp", "uuid_generate_v1", &[], "uuid"),
    ("uuid-ossp", "uuid_generate_v1mc", &[], "uuid"),
    ("uuid-ossp", "uuid_generate_v4", &[], "uuid"),
    ("uuid-ossp", "uuid_nil", &[], "uuid"),
    ("uuid-ossp", "uuid_ns_dns", &[], "uuid"),
    ("uuid-ossp", "uuid_ns_url", &[], "uuid"),
    ("uuid-ossp", "uuid_ns_oid", &[], "uuid"),
    ("uuid-ossp", "uuid_ns_x500", &[], "uuid"),
    ("pgcrypto", "gen_random_bytes", &["integer"], "bytea"),
    ("pgcrypto", "gen_salt", &["text"], "text"),
    ("pgcrypto", "crypt", &["text", "text"], "text"),
    ("pgcrypto", "digest", &["text", "text"], "bytea"),
    ("pgcrypto", "digest", &["bytea", "text"], "bytea"),
];

/// Canonical text of a built-in type written `written`, if it is one.
pub fn builtin_type(written: &str) -> Option<String> {
    canonical_builtin(written)
}

/// `schema.name` as `format_type` prints a user type with an empty search path.
pub(crate) fn qualified_type_sql(name: &QualifiedName) -> String {
    format!(
        "{}.{}",
        retort_sql::quote::quote_ident(name.schema.as_str()),
        retort_sql::quote::quote_ident(name.name.as_str())
    )
}

/// What a user-visible type name is, if the catalog has it.
fn user_type_kind(catalog: &Catalog, name: &QualifiedName) -> Option<TypeKind> {
    if catalog.enums.contains_key(name) {
        return Some(TypeKind::Enum);
    }
    if let Some(domain) = catalog.domains.get(name) {
        return Some(TypeKind::Domain {
            base: domain.base_type.sql.clone(),
        });
    }
    if catalog.composite_types.contains_key(name)
        || catalog.tables.contains_key(name)
        || catalog.views.contains_key(name)
    {
        return Some(TypeKind::Composite);
    }
    let from_extension = catalog.extensions.values().any(|ext| {
        ext.schema == name.schema
            && EXTENSION_TYPES
                .iter()
                .any(|(e, types)| *e == ext.name.as_str() && types.contains(&name.name.as_str()))
    });
    from_extension.then_some(TypeKind::Other)
}

/// A user type by its folded name parts, through the search path.
fn lookup_user_type(loader: &Loader, parts: &[String]) -> Option<(QualifiedName, TypeKind)> {
    match parts {
        [name] => loader.search_path.iter().find_map(|schema| {
            let q = QualifiedName::new(schema.as_str(), name.as_str());
            user_type_kind(&loader.catalog, &q).map(|k| (q, k))
        }),
        [.., schema, name] => {
            let q = QualifiedName::new(schema.as_str(), name.as_str());
            user_type_kind(&loader.catalog, &q).map(|k| (q, k))
        }
        [] => None,
    }
}

/// A written type as `format_type` prints it, with the user type it names.
pub(crate) fn resolve_type(loader: &Loader, data_type: &DataType) -> Result<TypeRef> {
    let written = data_type.to_string();
    if let Some(sql) = canonical_builtin(&written) {
        return Ok(TypeRef::builtin(sql));
    }
    let mut element = data_type;
    let mut array = false;
    while let DataType::Array(
        ArrayElemTypeDef::SquareBracket(inner, _)
        | ArrayElemTypeDef::AngleBracket(inner)
        | ArrayElemTypeDef::Parenthesis(inner)
        | ArrayElemTypeDef::Qualified(inner, _),
    ) = element
    {
        element = inner;
        array = true;
    }
    let suffix = if array { "[]" } else { "" };
    if array && let Some(sql) = canonical_builtin(&element.to_string()) {
        return Ok(TypeRef::builtin(format!("{sql}{suffix}")));
    }
    let DataType::Custom(name, modifiers) = element else {
        return Err(Problem::new(format!(
            "type \"{written}\" is not known offline"
        )));
    };
    let parts = name_parts(name)?;
    if let [schema, type_name] = parts.as_slice()
        && schema == "information_schema"
    {
        // The SQL-standard domains PostgreSQL keeps in information_schema.
        let q = QualifiedName::new(schema.as_str(), type_name.as_str());
        // The catalog reader counts them as built in (no dependency to order by).
        return Ok(TypeRef::builtin(format!(
            "{}{suffix}",
            qualified_type_sql(&q)
        )));
    }
    let Some((qualified, kind)) = lookup_user_type(loader, &parts) else {
        return Err(Problem::new(format!("type \"{written}\" does not exist")));
    };
    let mut sql = qualified_type_sql(&qualified);
    if !modifiers.is_empty() {
        if !matches!(kind, TypeKind::Other) {
            return Err(Problem::new(format!(
                "type \"{written}\" does not take modifiers"
            )));
        }
        sql.push('(');
        sql.push_str(&modifiers.join(","));
        sql.push(')');
    }
    sql.push_str(suffix);
    Ok(TypeRef {
        sql,
        user_type: Some(qualified),
    })
}

/// The [`ResolvedType`] of a catalog type text.
pub(crate) fn resolved(loader: &Loader, type_ref: &TypeRef) -> ResolvedType {
    // An array of a user type carries its element's kind.
    let kind = match &type_ref.user_type {
        Some(name) => user_type_kind(&loader.catalog, name).unwrap_or(TypeKind::Other),
        None => TypeKind::Builtin,
    };
    ResolvedType {
        sql: type_ref.sql.clone(),
        kind,
    }
}

/// Names visible to an expression on one relation (or none: a domain, a function default).
pub(crate) struct ExprScope<'a> {
    pub loader: &'a Loader,
    /// Columns by name, with the qualifiers that may stand before them (the relation's name,
    /// `new`/`old` in a trigger condition).
    pub columns: Vec<(String, ResolvedType)>,
    pub qualifiers: Vec<String>,
    /// A domain's CHECK condition (`VALUE` is the value checked).
    pub domain: bool,
}

impl<'a> ExprScope<'a> {
    pub fn empty(loader: &'a Loader) -> Self {
        ExprScope {
            loader,
            columns: Vec::new(),
            qualifiers: Vec::new(),
            domain: false,
        }
    }

    /// The columns of table `name` (or those given, while it is being created).
    pub fn of_columns(
        loader: &'a Loader,
        relation: &QualifiedName,
        columns: &[retort_catalog::Column],
    ) -> Self {
        ExprScope {
            loader,
            columns: columns
                .iter()
                .map(|c| (c.name.as_str().to_owned(), resolved(loader, &c.data_type)))
                .collect(),
            qualifiers: vec![relation.name.as_str().to_owned()],
            domain: false,
        }
    }

    /// Canonical text of `expr` in `role`; an expression the canonicalizer cannot reproduce
    /// is kept as written, and recorded as an approximation.
    pub fn canonicalize(&self, expr: &Expr, role: &Role) -> Result<String> {
        match expr::canonicalize(expr, role, self) {
            Ok(text) => Ok(text),
            Err(e) => {
                let written = self.loader.source_of(expr);
                self.loader.approximate(format!(
                    "expression `{written}` kept as written: {}",
                    e.message
                ));
                Ok(written)
            }
        }
    }
}

impl Scope for ExprScope<'_> {
    fn column(&self, qualifier: Option<&str>, name: &str) -> Option<ResolvedType> {
        if let Some(q) = qualifier
            && !self.qualifiers.iter().any(|x| x == q)
        {
            return None;
        }
        self.columns
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.clone())
    }

    fn user_type(&self, schema: Option<&str>, name: &str) -> Option<ResolvedType> {
        let parts: Vec<String> = schema
            .into_iter()
            .map(str::to_owned)
            .chain([name.to_owned()])
            .collect();
        let (q, kind) = lookup_user_type(self.loader, &parts)?;
        Some(ResolvedType {
            sql: qualified_type_sql(&q),
            kind,
        })
    }

    fn function(
        &self,
        schema: Option<&str>,
        name: &str,
        args: &[ResolvedType],
    ) -> Option<(String, ResolvedType)> {
        let wanted: Vec<&str> = args.iter().map(|a| a.sql.as_str()).collect();
        let schemas: Vec<String> = match schema {
            Some(s) => vec![s.to_owned()],
            None => self.loader.search_path.clone(),
        };
        for s in schemas {
            let found = self.loader.catalog.functions.values().find(|f| {
                f.id.schema.as_str() == s
                    && f.id.name.as_str() == name
                    && f.kind != retort_catalog::FunctionKind::Procedure
                    && super::function::accepts(&f.arguments, &wanted)
            });
            if let Some(f) = found {
                let returns = f.returns.clone()?;
                let user = self.user_type_of_text(&returns);
                return Some((s, user));
            }
            let from_extension = self.loader.catalog.extensions.values().any(|ext| {
                ext.schema.as_str() == s
                    && EXTENSION_FUNCTIONS.iter().any(|(e, n, a, _)| {
                        *e == ext.name.as_str() && *n == name && *a == wanted.as_slice()
                    })
            });
            if from_extension
                && let Some((.., returns)) = EXTENSION_FUNCTIONS
                    .iter()
                    .find(|(_, n, a, _)| *n == name && *a == wanted.as_slice())
            {
                return Some((s, ResolvedType::builtin(*returns)));
            }
        }
        None
    }

    fn domain_check(&self) -> Option<bool> {
        Some(self.domain)
    }

    fn sequence(&self, schema: Option<&str>, name: &str) -> Option<String> {
        let schemas: Vec<String> = match schema {
            Some(s) => vec![s.to_owned()],
            None => self.loader.search_path.clone(),
        };
        schemas.into_iter().find(|s| {
            self.loader
                .catalog
                .sequences
                .contains_key(&QualifiedName::new(s.as_str(), name))
        })
    }
}

impl crate::canon::view::QueryScope for ExprScope<'_> {
    fn relation(
        &self,
        schema: Option<&str>,
        name: &str,
    ) -> Option<crate::canon::view::RelationColumns> {
        let schemas: Vec<String> = match schema {
            Some(s) => vec![s.to_owned()],
            None => self.loader.search_path.clone(),
        };
        schemas.into_iter().find_map(|s| {
            let q = QualifiedName::new(s.as_str(), name);
            let columns = match self.loader.catalog.tables.get(&q) {
                Some(t) => t
                    .columns
                    .iter()
                    .map(|c| {
                        (
                            c.name.as_str().to_owned(),
                            resolved(self.loader, &c.data_type),
                        )
                    })
                    .collect(),
                None => self.loader.view_columns.get(&q)?.clone(),
            };
            Some(crate::canon::view::RelationColumns {
                schema: s,
                name: name.to_owned(),
                columns,
            })
        })
    }
}

impl ExprScope<'_> {
    /// A function result text (`integer`, `public.mood`, `SETOF text`) as a type.
    fn user_type_of_text(&self, text: &str) -> ResolvedType {
        let kind = self
            .loader
            .catalog
            .enums
            .keys()
            .chain(self.loader.catalog.domains.keys())
            .chain(self.loader.catalog.composite_types.keys())
            .find(|q| qualified_type_sql(q) == text)
            .and_then(|q| user_type_kind(&self.loader.catalog, q))
            .unwrap_or(if text.contains('.') {
                TypeKind::Other
            } else {
                TypeKind::Builtin
            });
        ResolvedType {
            sql: text.to_owned(),
            kind,
        }
    }
}
