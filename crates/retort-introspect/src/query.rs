//! The catalog queries: loaded from `queries/*.sql`, adapted to the server version, run once each.
//!
//! The `.sql` files use a few placeholders, expanded here and nowhere else:
//! - `{{schema:ALIAS}}`: the schema filter on the `pg_namespace` row `ALIAS` (system schemas
//!   left out; `$1` the schemas to include, empty for all; `$2` the schemas to exclude);
//! - `{{not_ext:CATALOG:OID}}`: the object is not a member of an extension;
//! - `{{comment:CATALOG:OID:SUBID}}`: the object's comment (a direct `pg_description` lookup,
//!   cheaper per row than `obj_description`);
//! - `{{NAME}}`: a version-dependent fragment (see [`Fragments`]).

use crate::IntrospectError;

/// One catalog query, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Query {
    Schemas,
    Extensions,
    Collations,
    UserTypes,
    Enums,
    Domains,
    DomainChecks,
    CompositeTypes,
    Sequences,
    Tables,
    Columns,
    Constraints,
    Indexes,
    Views,
    Functions,
    Dependencies,
    Triggers,
    Policies,
    Unsupported,
}

impl Query {
    pub(crate) const ALL: [Query; 19] = [
        Query::Schemas,
        Query::Extensions,
        Query::Collations,
        Query::UserTypes,
        Query::Enums,
        Query::Domains,
        Query::DomainChecks,
        Query::CompositeTypes,
        Query::Sequences,
        Query::Tables,
        Query::Columns,
        Query::Constraints,
        Query::Indexes,
        Query::Views,
        Query::Functions,
        Query::Dependencies,
        Query::Triggers,
        Query::Policies,
        Query::Unsupported,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Query::Schemas => "schemas",
            Query::Extensions => "extensions",
            Query::Collations => "collations",
            Query::UserTypes => "user_types",
            Query::Enums => "enums",
            Query::Domains => "domains",
            Query::DomainChecks => "domain_checks",
            Query::CompositeTypes => "composite_types",
            Query::Sequences => "sequences",
            Query::Tables => "tables",
            Query::Columns => "columns",
            Query::Constraints => "constraints",
            Query::Indexes => "indexes",
            Query::Views => "views",
            Query::Functions => "functions",
            Query::Dependencies => "dependencies",
            Query::Triggers => "triggers",
            Query::Policies => "policies",
            Query::Unsupported => "unsupported",
        }
    }

    fn template(self) -> &'static str {
        match self {
            Query::Schemas => include_str!("queries/schemas.sql"),
            Query::Extensions => include_str!("queries/extensions.sql"),
            Query::Collations => include_str!("queries/collations.sql"),
            Query::UserTypes => include_str!("queries/user_types.sql"),
            Query::Enums => include_str!("queries/enums.sql"),
            Query::Domains => include_str!("queries/domains.sql"),
            Query::DomainChecks => include_str!("queries/domain_checks.sql"),
            Query::CompositeTypes => include_str!("queries/composite_types.sql"),
            Query::Sequences => include_str!("queries/sequences.sql"),
            Query::Tables => include_str!("queries/tables.sql"),
            Query::Columns => include_str!("queries/columns.sql"),
            Query::Constraints => include_str!("queries/constraints.sql"),
            Query::Indexes => include_str!("queries/indexes.sql"),
            Query::Views => include_str!("queries/views.sql"),
            Query::Functions => include_str!("queries/functions.sql"),
            Query::Dependencies => include_str!("queries/dependencies.sql"),
            Query::Triggers => include_str!("queries/triggers.sql"),
            Query::Policies => include_str!("queries/policies.sql"),
            Query::Unsupported => include_str!("queries/unsupported.sql"),
        }
    }

    /// The query text for a server of the given version.
    pub(crate) fn sql(self, fragments: &Fragments) -> Result<String, IntrospectError> {
        expand(self.template(), fragments).map_err(|detail| IntrospectError::Template {
            query: self.name(),
            detail,
        })
    }
}

/// SQL fragments that differ between PostgreSQL major versions.
pub(crate) struct Fragments {
    version_num: u32,
}

impl Fragments {
    pub(crate) fn for_version(version_num: u32) -> Self {
        Fragments { version_num }
    }

    fn get(&self, name: &str) -> Option<&'static str> {
        let v = self.version_num;
        Some(match name {
            // pg_index.indnullsnotdistinct: PostgreSQL 15.
            "nulls_not_distinct" if v >= 150_000 => "i.indnullsnotdistinct",
            "nulls_not_distinct" => "false",
            // SQL-standard function bodies: PostgreSQL 14.
            "sql_body" if v >= 140_000 => {
                "CASE WHEN p.prosqlbody IS NOT NULL THEN pg_catalog.pg_get_function_sqlbody(p.oid) END"
            }
            "sql_body" => "NULL::text",
            "has_sql_body" if v >= 140_000 => "p.prosqlbody IS NOT NULL",
            "has_sql_body" => "false",
            // ON DELETE SET NULL (columns): PostgreSQL 15.
            "delete_set_columns" if v >= 150_000 => "con.confdelsetcols",
            "delete_set_columns" => "NULL::pg_catalog.int2[]",
            // The ICU (and builtin) locale of a collation: its own column from PostgreSQL 15
            // (colliculocale), renamed colllocale in 17; before 15 it was collcollate.
            "collation_locale" if v >= 170_000 => "co.colllocale",
            "collation_locale" if v >= 150_000 => "co.colliculocale",
            "collation_locale" => "CASE WHEN co.collprovider = 'i' THEN co.collcollate END",
            // ICU tailoring rules: PostgreSQL 16.
            "collation_rules" if v >= 160_000 => "co.collicurules",
            "collation_rules" => "NULL::text",
            // Column compression: PostgreSQL 14.
            "column_compression" if v >= 140_000 => {
                "CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' END"
            }
            "column_compression" => "NULL::text",
            // Statistics target: -1 meant "default" until PostgreSQL 17, which uses NULL; the
            // column is int4 before 16 and int2 from 16.
            "column_statistics" if v >= 170_000 => "a.attstattarget::pg_catalog.int4",
            "column_statistics" => "NULLIF(a.attstattarget, -1)::pg_catalog.int4",
            // NOT ENFORCED constraints, temporal keys and NOT VALID not-null constraints:
            // PostgreSQL 18. Not modelled yet, so listed as unsupported.
            "con_not_enforced" if v >= 180_000 => "NOT con.conenforced",
            "con_not_enforced" => "false",
            "con_period" if v >= 180_000 => "con.conperiod",
            "con_period" => "false",
            "not_null_invalid" if v >= 180_000 => {
                "EXISTS (SELECT 1 FROM pg_catalog.pg_constraint nn \
                 WHERE nn.conrelid = a.attrelid AND nn.contype = 'n' \
                 AND nn.conkey[1] = a.attnum AND NOT nn.convalidated)"
            }
            "not_null_invalid" => "false",
            _ => return None,
        })
    }
}

fn schema_filter(alias: &str) -> String {
    format!(
        "({a}.nspname <> 'information_schema' AND {a}.nspname !~ '^pg_' \
         AND (pg_catalog.cardinality($1::text[]) = 0 OR {a}.nspname = ANY ($1::text[])) \
         AND NOT ({a}.nspname = ANY ($2::text[])))",
        a = alias
    )
}

fn not_extension_member(catalog: &str, oid: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend ext \
         WHERE ext.classid = 'pg_catalog.{catalog}'::pg_catalog.regclass \
         AND ext.objid = {oid} AND ext.deptype = 'e')"
    )
}

fn comment(catalog: &str, oid: &str, sub_id: &str) -> String {
    format!(
        "(SELECT dsc.description FROM pg_catalog.pg_description dsc \
         WHERE dsc.classoid = 'pg_catalog.{catalog}'::pg_catalog.regclass \
         AND dsc.objoid = {oid} AND dsc.objsubid = {sub_id})"
    )
}

fn expand(template: &str, fragments: &Fragments) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 512);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| "unterminated placeholder".to_owned())?;
        let placeholder = &after[..end];
        let mut parts = placeholder.split(':');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("schema"), Some(alias), None) => out.push_str(&schema_filter(alias)),
            (Some("not_ext"), Some(catalog), Some(oid)) => {
                out.push_str(&not_extension_member(catalog, oid))
            }
            (Some("comment"), Some(catalog), Some(oid)) => match (parts.next(), parts.next()) {
                (Some(sub), None) => out.push_str(&comment(catalog, oid, sub)),
                _ => return Err(format!("malformed placeholder {{{{{placeholder}}}}}")),
            },
            (Some(name), None, None) => out.push_str(
                fragments
                    .get(name)
                    .ok_or_else(|| format!("unknown placeholder {{{{{name}}}}}"))?,
            ),
            _ => return Err(format!("malformed placeholder {{{{{placeholder}}}}}")),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_query_expands_for_every_supported_version() {
        for version in [130_000, 140_000, 150_000, 160_000, 170_000, 180_000] {
            let fragments = Fragments::for_version(version);
            for query in Query::ALL {
                let sql = query.sql(&fragments).expect("expands");
                assert!(!sql.contains("{{"), "{} keeps a placeholder", query.name());
            }
        }
    }

    #[test]
    fn version_fragments_differ_where_catalogs_differ() {
        let old = Query::Indexes
            .sql(&Fragments::for_version(140_000))
            .expect("expands");
        let new = Query::Indexes
            .sql(&Fragments::for_version(150_000))
            .expect("expands");
        assert!(!old.contains("indnullsnotdistinct"));
        assert!(new.contains("indnullsnotdistinct"));
    }

    #[test]
    fn unknown_placeholders_are_errors() {
        let fragments = Fragments::for_version(150_000);
        assert!(expand("SELECT {{nope}}", &fragments).is_err());
        assert!(expand("SELECT {{schema:n", &fragments).is_err());
        assert!(expand("SELECT {{a:b:c:d}}", &fragments).is_err());
    }
}
