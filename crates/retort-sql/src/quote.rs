//! Quoting of identifiers and literals: the only place in retort where raw names and strings
//! become SQL text.
//!
//! The rules follow PostgreSQL's own `quote_ident` / `quote_literal` (and pg_dump's `fmtId`):
//! an identifier stays bare only when it would read back unchanged, every other one is wrapped in
//! double quotes with embedded double quotes doubled. Literals are standard-conforming strings
//! (`standard_conforming_strings = on`, the default since PostgreSQL 9.1): single quotes are
//! doubled and backslashes are ordinary characters, so `E''` strings are never produced.

use retort_catalog::QualifiedName;

/// Keywords that cannot be used as a bare column label: every keyword of PostgreSQL's
/// `src/include/parser/kwlist.h` whose category is not `UNRESERVED_KEYWORD` (that is reserved,
/// `TYPE_FUNC_NAME_KEYWORD` and `COL_NAME_KEYWORD`). The list is the union over PostgreSQL 15 to
/// 17 (16 added `system_user`, 17 the SQL/JSON functions and `merge_action`), so that text
/// rendered for one server version loads into a newer one. Quoting one keyword too many is
/// harmless; one too few is a syntax error. Sorted (byte order) for binary search.
const QUOTED_KEYWORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "json",
    "json_array",
    "json_arrayagg",
    "json_exists",
    "json_object",
    "json_objectagg",
    "json_query",
    "json_scalar",
    "json_serialize",
    "json_table",
    "json_value",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "merge_action",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
];

/// True when `word` (already lower case) is a keyword that must be quoted to be used as a name.
pub fn is_quoted_keyword(word: &str) -> bool {
    QUOTED_KEYWORDS.binary_search(&word).is_ok()
}

/// True when `name` reads back as itself without quotes: `^[a-z_][a-z0-9_$]*$` and not a
/// keyword that needs quoting.
fn is_bare_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let starts_well = matches!(chars.next(), Some('a'..='z' | '_'));
    starts_well
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_' | '$'))
        && !is_quoted_keyword(name)
}

/// Quotes an identifier when needed: `users` stays bare, `UserAccounts`, `order items`, `select`
/// and `say "hi"` become `"UserAccounts"`, `"order items"`, `"select"` and `"say ""hi"""`.
pub fn quote_ident(name: &str) -> String {
    if is_bare_identifier(name) {
        return name.to_owned();
    }
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// `schema.name`, each part quoted as needed.
pub fn quote_qualified(name: &QualifiedName) -> String {
    format!(
        "{}.{}",
        quote_ident(name.schema.as_str()),
        quote_ident(name.name.as_str())
    )
}

/// A standard-conforming string literal: `'it''s'`. Backslashes are kept as they are (they are
/// ordinary characters when `standard_conforming_strings` is on, which rendered scripts set).
pub fn quote_literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\'' {
            out.push('\'');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// Wraps `body` in dollar quotes whose tag does not occur in it: `$function$`, else
/// `$function1$`, `$function2$`, ...
///
/// The tag must also not be completed by the end of the body (a body ending in `$function`
/// followed by the closing `$function$` would close early), so the check is made on the body
/// followed by the closing tag.
pub fn dollar_quote(body: &str) -> String {
    let mut n: u64 = 0;
    loop {
        let tag = if n == 0 {
            "$function$".to_owned()
        } else {
            format!("$function{n}$")
        };
        let closed = format!("{body}{tag}");
        if closed.find(&tag) == Some(body.len()) {
            return format!("{tag}{body}{tag}");
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_list_is_sorted_and_unique() {
        assert!(QUOTED_KEYWORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn plain_names_stay_bare() {
        for name in ["users", "_x", "a1", "col$", "order_items", "x_$1"] {
            assert_eq!(quote_ident(name), name);
        }
    }

    #[test]
    fn names_that_need_quotes() {
        assert_eq!(quote_ident("UserAccounts"), r#""UserAccounts""#);
        assert_eq!(quote_ident("order items"), r#""order items""#);
        assert_eq!(quote_ident(r#"say "hi""#), r#""say ""hi""""#);
        assert_eq!(quote_ident(r#"""#), r#""""""#);
        assert_eq!(quote_ident(""), r#""""#);
        assert_eq!(quote_ident("1abc"), r#""1abc""#);
        assert_eq!(quote_ident("$x"), r#""$x""#);
        assert_eq!(quote_ident("a-b"), r#""a-b""#);
        assert_eq!(quote_ident("a.b"), r#""a.b""#);
        assert_eq!(quote_ident("café"), r#""café""#);
        assert_eq!(quote_ident("Ünïcödé 🚀"), r#""Ünïcödé 🚀""#);
        assert_eq!(quote_ident("uuid-ossp"), r#""uuid-ossp""#);
    }

    #[test]
    fn reserved_and_non_label_keywords_are_quoted() {
        for kw in [
            "select",
            "user",
            "order",
            "all",
            "table",
            "check",
            "default",
            "int",
            "integer",
            "time",
            "timestamp",
            "values",
            "left",
            "join",
            "authorization",
            "json_table",
            "system_user",
        ] {
            assert_eq!(quote_ident(kw), format!("\"{kw}\""), "{kw}");
        }
    }

    #[test]
    fn unreserved_keywords_stay_bare() {
        for kw in [
            "name",
            "type",
            "data",
            "text",
            "key",
            "value",
            "comment",
            "version",
            "schema",
            "action",
            "index",
            "owner",
            "position_x",
        ] {
            assert_eq!(quote_ident(kw), kw, "{kw}");
        }
    }

    #[test]
    fn upper_case_keywords_are_quoted_for_their_case() {
        assert_eq!(quote_ident("SELECT"), r#""SELECT""#);
        assert_eq!(quote_ident("Name"), r#""Name""#);
    }

    #[test]
    fn long_names_are_kept_whole() {
        let name63 = "a".repeat(63);
        assert_eq!(quote_ident(&name63), name63);
        let mixed63 = format!("A{}", "b".repeat(62));
        assert_eq!(quote_ident(&mixed63), format!("\"{mixed63}\""));
    }

    #[test]
    fn qualified_names() {
        let q = QualifiedName::new("public", "order items");
        assert_eq!(quote_qualified(&q), r#"public."order items""#);
        let q = QualifiedName::new("My Schema", "user");
        assert_eq!(quote_qualified(&q), r#""My Schema"."user""#);
    }

    #[test]
    fn literals() {
        assert_eq!(quote_literal("abc"), "'abc'");
        assert_eq!(quote_literal("it's"), "'it''s'");
        assert_eq!(quote_literal("''"), "''''''");
        assert_eq!(quote_literal(r"C:\path\n"), r"'C:\path\n'");
        assert_eq!(quote_literal("line\nbreak"), "'line\nbreak'");
        assert_eq!(quote_literal("héllo ☃"), "'héllo ☃'");
        assert_eq!(quote_literal(""), "''");
    }

    #[test]
    fn dollar_quote_picks_an_unused_tag() {
        assert_eq!(dollar_quote("select 1"), "$function$select 1$function$");
        assert_eq!(
            dollar_quote("x $function$ y"),
            "$function1$x $function$ y$function1$"
        );
        assert_eq!(
            dollar_quote("$function$ $function1$"),
            "$function2$$function$ $function1$$function2$"
        );
        assert_eq!(dollar_quote(""), "$function$$function$");
        assert_eq!(dollar_quote("$$ $_$"), "$function$$$ $_$$function$");
    }

    #[test]
    fn dollar_quote_is_not_closed_by_the_end_of_the_body() {
        // `x$function` + `$function$` contains `$function$` one character early.
        assert_eq!(
            dollar_quote("x$function"),
            "$function1$x$function$function1$"
        );
        // A trailing `$` is fine: the closing tag is still found where it starts.
        assert_eq!(dollar_quote("x$"), "$function$x$$function$");
    }
}
