//! `canon::view::canonicalize_sql_body` agrees with the server: every function below is
//! created by PostgreSQL 15 with an SQL-standard body, and the text `pg_get_function_sqlbody`
//! prints (with an empty search_path) must equal the offline canonical text exactly. Bodies
//! the canonicalizer refuses are counted; a floor keeps the supported share from shrinking.

use retort_declare::canon::expr::{ResolvedType, Scope};
use retort_declare::canon::types::canonical_builtin;
use retort_declare::canon::view::{Parameter, QueryScope, RelationColumns, canonicalize_sql_body};
use retort_testkit::TestDb;

/// A table: schema, name, columns with their written types.
type Table = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const TABLES: &[Table] = &[
    (
        "fx",
        "items",
        &[
            ("id", "integer"),
            ("name", "text"),
            ("qty", "integer"),
            ("active", "boolean"),
            ("price", "numeric(10,2)"),
            ("code", "varchar(20)"),
            ("big", "bigint"),
            ("updated_at", "timestamptz"),
            ("x", "integer"),
        ],
    ),
    ("fx", "codes", &[("code", "integer")]),
    (
        "fx",
        "tags",
        &[
            ("id", "integer"),
            ("item_id", "integer"),
            ("tag", "varchar(20)"),
        ],
    ),
];

/// A view the bodies read (created after the tables): name, its DDL, its columns as the
/// server reports them.
type View = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const VIEWS: &[View] = &[(
    "active_items_v",
    "CREATE VIEW fx.active_items_v AS SELECT name, qty * 4 AS qty4 FROM fx.items WHERE active",
    &[("name", "text"), ("qty4", "integer")],
)];

fn table_ddl() -> String {
    let mut out = String::from("CREATE SCHEMA fx;\n");
    for (schema, name, cols) in TABLES {
        let cols: Vec<String> = cols.iter().map(|(c, t)| format!("\"{c}\" {t}")).collect();
        out.push_str(&format!(
            "CREATE TABLE \"{schema}\".\"{name}\" ({});\n",
            cols.join(", ")
        ));
    }
    for (_, ddl, _) in VIEWS {
        out.push_str(ddl);
        out.push_str(";\n");
    }
    out
}

fn builtin(t: &str) -> ResolvedType {
    ResolvedType::builtin(canonical_builtin(t).expect("built-in type"))
}

struct TestScope;

impl Scope for TestScope {
    fn column(&self, _qualifier: Option<&str>, _name: &str) -> Option<ResolvedType> {
        None
    }

    fn user_type(&self, _schema: Option<&str>, _name: &str) -> Option<ResolvedType> {
        None
    }

    fn function(
        &self,
        _schema: Option<&str>,
        _name: &str,
        _args: &[ResolvedType],
    ) -> Option<(String, ResolvedType)> {
        None
    }
}

impl QueryScope for TestScope {
    fn relation(&self, schema: Option<&str>, name: &str) -> Option<RelationColumns> {
        if schema? != "fx" {
            return None;
        }
        if let Some((s, n, cols)) = TABLES.iter().find(|(_, n, _)| *n == name) {
            return Some(RelationColumns {
                schema: (*s).into(),
                name: (*n).into(),
                columns: cols
                    .iter()
                    .map(|(c, t)| ((*c).to_owned(), builtin(t)))
                    .collect(),
            });
        }
        let (n, _, cols) = VIEWS.iter().find(|(n, _, _)| *n == name)?;
        Some(RelationColumns {
            schema: "fx".into(),
            name: (*n).into(),
            columns: cols
                .iter()
                .map(|(c, t)| ((*c).to_owned(), builtin(t)))
                .collect(),
        })
    }
}

/// A function: name, parameters (name, "" when unnamed; type), result type, body.
type Case = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
    &'static str,
);

/// Functions whose bodies must be reproduced exactly.
const CASES: &[Case] = &[
    // RETURN
    ("double_it", &[("x", "integer")], "integer", "RETURN x * 2"),
    ("ret_num", &[("", "integer")], "integer", "RETURN $1 * 2"),
    ("ret_mixed", &[("a", "integer")], "integer", "RETURN $1 + a"),
    ("ret_plain", &[("a", "integer")], "bigint", "RETURN a"),
    ("ret_text", &[], "text", "RETURN 'abc'"),
    (
        "ret_quoted",
        &[("a", "integer"), ("B", "text")],
        "text",
        "RETURN \"B\" || a",
    ),
    (
        "ret_qualified",
        &[("a", "integer")],
        "integer",
        "RETURN ret_qualified.a + 1",
    ),
    (
        "ret_func",
        &[("s", "text")],
        "text",
        "RETURN lower(s) || upper(s)",
    ),
    (
        "ret_bool",
        &[("a", "integer"), ("b", "integer")],
        "boolean",
        "RETURN a > b AND b IS NOT NULL",
    ),
    ("ret_cast", &[("a", "integer")], "numeric", "RETURN a + 1.5"),
    // SELECT
    (
        "count_items",
        &[],
        "bigint",
        "BEGIN ATOMIC SELECT count(*) FROM fx.items; END",
    ),
    (
        "next_code",
        &[],
        "integer",
        "BEGIN ATOMIC SELECT COALESCE(max(code), 0) + 1 FROM fx.codes; END",
    ),
    (
        "top_name",
        &[],
        "text",
        "BEGIN ATOMIC SELECT name FROM fx.active_items_v ORDER BY qty4 DESC LIMIT 1; END",
    ),
    (
        "ratio",
        &[("c", "integer")],
        "integer",
        "BEGIN ATOMIC SELECT c / ((SELECT count(*) FROM fx.codes)::integer + 1); END",
    ),
    (
        "count_over",
        &[("a", "integer")],
        "bigint",
        "BEGIN ATOMIC SELECT count(*) FROM fx.items WHERE qty > a; END",
    ),
    (
        "column_wins",
        &[("x", "integer")],
        "bigint",
        "BEGIN ATOMIC SELECT count(*) FROM fx.items WHERE qty > x; END",
    ),
    (
        "two_selects",
        &[("a", "integer")],
        "integer",
        "BEGIN ATOMIC SELECT a + 1; SELECT a + 2 AS b; END",
    ),
    (
        "select_case",
        &[("a", "integer")],
        "integer",
        "BEGIN ATOMIC SELECT CASE WHEN a > 1 THEN 1 ELSE 2 END; END",
    ),
    (
        "unnamed_mixed",
        &[("", "integer"), ("b", "integer")],
        "integer",
        "BEGIN ATOMIC SELECT $1 + b + $2; END",
    ),
    (
        "ordered_ids",
        &[("a", "integer")],
        "SETOF integer",
        "BEGIN ATOMIC SELECT id FROM fx.items i WHERE i.qty = a ORDER BY 1; END",
    ),
    (
        "union_param",
        &[("a", "integer")],
        "SETOF integer",
        "BEGIN ATOMIC SELECT a UNION SELECT 1; END",
    ),
    (
        "cte_param",
        &[("a", "integer")],
        "SETOF integer",
        "BEGIN ATOMIC WITH c AS (SELECT a AS v) SELECT v FROM c; END",
    ),
    (
        "exists_param",
        &[("a", "integer")],
        "boolean",
        "BEGIN ATOMIC SELECT a > 1 AND EXISTS (SELECT 1 WHERE a > 2); END",
    ),
    (
        "values_param",
        &[("a", "integer")],
        "integer",
        "BEGIN ATOMIC VALUES (a); END",
    ),
    (
        "select_text",
        &[("a", "integer")],
        "text",
        "BEGIN ATOMIC SELECT 'x'; END",
    ),
    (
        "self_qualified",
        &[("a", "integer")],
        "integer",
        "BEGIN ATOMIC SELECT self_qualified.a + $1; END",
    ),
    (
        "select_param",
        &[("a", "integer")],
        "bigint",
        "BEGIN ATOMIC SELECT a; END",
    ),
    (
        "join_param",
        &[("a", "integer")],
        "SETOF text",
        "BEGIN ATOMIC SELECT i.name FROM fx.items i JOIN fx.tags t ON t.item_id = i.id WHERE t.tag = 'x' AND i.qty > a; END",
    ),
    (
        "group_param",
        &[("a", "integer")],
        "SETOF bigint",
        "BEGIN ATOMIC SELECT count(*) FROM fx.items GROUP BY name HAVING count(*) > a; END",
    ),
    (
        "sub_from_param",
        &[("a", "integer")],
        "SETOF integer",
        "BEGIN ATOMIC SELECT s.id FROM (SELECT id FROM fx.items WHERE qty = a) s; END",
    ),
    (
        "limit_param",
        &[("a", "integer")],
        "SETOF integer",
        "BEGIN ATOMIC SELECT id FROM fx.items ORDER BY id LIMIT a; END",
    ),
    ("empty_body", &[], "void", "BEGIN ATOMIC END"),
    // INSERT
    (
        "ins_values",
        &[("a", "integer"), ("b", "text")],
        "void",
        "BEGIN ATOMIC INSERT INTO fx.items (id, name) VALUES (a, b); INSERT INTO fx.items VALUES (a); END",
    ),
    (
        "ins_select",
        &[("a", "integer")],
        "void",
        "BEGIN ATOMIC INSERT INTO fx.codes SELECT qty FROM fx.items WHERE id = a; END",
    ),
    (
        "ins_multi",
        &[("a", "integer")],
        "void",
        "BEGIN ATOMIC INSERT INTO fx.items (id, name) VALUES (a, 'q'), (a + 1, 'r'); END",
    ),
    (
        "ins_reorder",
        &[],
        "void",
        "BEGIN ATOMIC INSERT INTO fx.items (name, id) SELECT name, id FROM fx.items; END",
    ),
    (
        "ins_alias",
        &[("a", "integer")],
        "void",
        "BEGIN ATOMIC INSERT INTO fx.items AS t (id, big, code, price) VALUES (a, 1, 'abc', 2.5); END",
    ),
    (
        "ins_param_select",
        &[("a", "integer")],
        "void",
        "BEGIN ATOMIC INSERT INTO fx.items (big) SELECT a; END",
    ),
    (
        "ins_union",
        &[],
        "void",
        "BEGIN ATOMIC INSERT INTO fx.codes (code) SELECT 1 UNION SELECT 2; END",
    ),
    (
        "ins_star",
        &[("a", "integer")],
        "void",
        "BEGIN ATOMIC INSERT INTO fx.tags SELECT * FROM fx.tags WHERE id = a; END",
    ),
    (
        "ins_default",
        &[],
        "void",
        "BEGIN ATOMIC INSERT INTO fx.codes DEFAULT VALUES; END",
    ),
    (
        "ins_returning",
        &[("a", "integer")],
        "integer",
        "BEGIN ATOMIC INSERT INTO fx.codes VALUES (a) RETURNING code; END",
    ),
    // UPDATE
    (
        "touch",
        &[],
        "void",
        "BEGIN ATOMIC UPDATE fx.items SET updated_at = now(); END",
    ),
    (
        "upd_where",
        &[("a", "integer")],
        "void",
        "BEGIN ATOMIC UPDATE fx.items SET qty = qty + a, name = 'z' WHERE id = a; END",
    ),
    (
        "upd_alias",
        &[],
        "void",
        "BEGIN ATOMIC UPDATE fx.items i SET qty = 1 WHERE i.id > 3; END",
    ),
    (
        "upd_coerce",
        &[("a", "integer")],
        "void",
        "BEGIN ATOMIC UPDATE fx.items SET big = a, code = 'x', price = 1, id = NULL; END",
    ),
    (
        "upd_sub",
        &[("a", "integer")],
        "void",
        "BEGIN ATOMIC UPDATE fx.items SET qty = a WHERE id IN (SELECT item_id FROM fx.tags); END",
    ),
    (
        "upd_returning",
        &[("a", "integer")],
        "void",
        "BEGIN ATOMIC UPDATE fx.items SET qty = a RETURNING id, qty * 2 AS q2; END",
    ),
    // DELETE
    (
        "del_where",
        &[("a", "integer")],
        "void",
        "BEGIN ATOMIC DELETE FROM fx.items WHERE id = a; DELETE FROM fx.codes; END",
    ),
    (
        "del_alias",
        &[("a", "integer")],
        "integer",
        "BEGIN ATOMIC DELETE FROM fx.tags t WHERE t.id = a RETURNING id; END",
    ),
    (
        "del_exists",
        &[],
        "void",
        "BEGIN ATOMIC DELETE FROM fx.tags WHERE NOT EXISTS (SELECT 1 FROM fx.items WHERE items.id = tags.item_id); END",
    ),
    // parameters in more places
    (
        "num_from",
        &[("", "integer")],
        "bigint",
        "BEGIN ATOMIC SELECT count(*) FROM fx.items WHERE qty > $1; END",
    ),
    (
        "unnamed_from",
        &[("", "integer"), ("b", "integer")],
        "bigint",
        "BEGIN ATOMIC SELECT count(*) FROM fx.items WHERE qty > $1 AND id = b; END",
    ),
    (
        "cte_no_rtable",
        &[("a", "integer")],
        "integer",
        "BEGIN ATOMIC WITH c AS (SELECT a AS v) SELECT 1; END",
    ),
    (
        "order_param",
        &[("a", "integer")],
        "SETOF integer",
        "BEGIN ATOMIC SELECT id FROM fx.items ORDER BY a, id; END",
    ),
    (
        "order_out",
        &[("a", "integer")],
        "SETOF integer",
        "BEGIN ATOMIC SELECT a FROM fx.items ORDER BY a; END",
    ),
    (
        "keyword_param",
        &[("select", "integer"), ("Mixed", "text")],
        "SETOF integer",
        "BEGIN ATOMIC SELECT id FROM fx.items WHERE qty = \"select\" AND name = \"Mixed\"; END",
    ),
    (
        "upd_varchar",
        &[("s", "text"), ("n", "numeric")],
        "void",
        "BEGIN ATOMIC UPDATE fx.items SET code = s, qty = n, price = n WHERE name = s; END",
    ),
    (
        "ins_assign",
        &[("n", "numeric"), ("s", "text")],
        "void",
        "BEGIN ATOMIC INSERT INTO fx.items (qty, code, price) VALUES (n, s, n); END",
    ),
    (
        "upd_case",
        &[("a", "integer")],
        "void",
        "BEGIN ATOMIC UPDATE fx.items SET qty = CASE WHEN qty > a THEN 1 ELSE 2 END WHERE id = a; END",
    ),
    (
        "ins_returning_star",
        &[("a", "integer")],
        "void",
        "BEGIN ATOMIC INSERT INTO fx.tags (id) VALUES (a) RETURNING *; END",
    ),
    (
        "ins_sub_values",
        &[("a", "integer")],
        "void",
        "BEGIN ATOMIC INSERT INTO fx.codes VALUES ((SELECT max(id) FROM fx.items WHERE qty = a)); END",
    ),
    (
        "ins_cte",
        &[],
        "void",
        "BEGIN ATOMIC INSERT INTO fx.codes WITH c AS (SELECT 1 AS v) SELECT v FROM c; END",
    ),
    (
        "sub_outer_param",
        &[("a", "integer")],
        "SETOF integer",
        "BEGIN ATOMIC SELECT i.id FROM fx.items i WHERE i.qty > (SELECT count(*) FROM fx.tags t WHERE t.item_id = i.id AND t.id <> a); END",
    ),
    (
        "func_qualifier",
        &[("a", "integer")],
        "SETOF integer",
        "BEGIN ATOMIC SELECT id FROM fx.items WHERE qty = func_qualifier.a; END",
    ),
    (
        "ret_concat",
        &[("a", "text"), ("b", "text")],
        "text",
        "RETURN a || ' ' || b",
    ),
    (
        "ret_coalesce",
        &[("a", "integer")],
        "integer",
        "RETURN coalesce(a, 0) + abs(a)",
    ),
    (
        "sel_param_alias",
        &[("a", "integer")],
        "integer",
        "BEGIN ATOMIC SELECT a AS result; END",
    ),
    (
        "sel_param_from",
        &[("a", "integer")],
        "SETOF integer",
        "BEGIN ATOMIC SELECT a FROM fx.items; END",
    ),
    (
        "set_op_order",
        &[("a", "integer")],
        "SETOF integer",
        "BEGIN ATOMIC SELECT id FROM fx.items WHERE qty = a UNION ALL SELECT code FROM fx.codes ORDER BY 1; END",
    ),
    (
        "del_returning_expr",
        &[("a", "integer")],
        "void",
        "BEGIN ATOMIC DELETE FROM fx.items WHERE id = a RETURNING id + a, name; END",
    ),
    (
        "atomic_return",
        &[("a", "integer")],
        "integer",
        "BEGIN ATOMIC RETURN a + 1; END",
    ),
    (
        "atomic_return_text",
        &[],
        "text",
        "BEGIN ATOMIC DELETE FROM fx.codes; RETURN 'x'; END",
    ),
    // mixed
    (
        "mixed",
        &[("a", "integer")],
        "bigint",
        "BEGIN ATOMIC DELETE FROM fx.codes WHERE code = a; INSERT INTO fx.codes VALUES (a); SELECT count(*) FROM fx.codes; END",
    ),
];

/// Bodies the canonicalizer must refuse (not reproduced, or not valid); each with its
/// parameters.
/// A refused body: function name, parameters, body.
type Refused = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
);

const REFUSED: &[Refused] = &[
    (
        "r1",
        &[("a", "integer")],
        "RETURN CASE WHEN a > 1 THEN 'x' ELSE 'y' END",
    ),
    (
        "r2",
        &[("a", "integer")],
        "RETURN (SELECT count(*) FROM fx.items WHERE qty > a)",
    ),
    ("r3", &[], "BEGIN ATOMIC SELECT nope FROM fx.items; END"),
    ("r4", &[], "BEGIN ATOMIC SELECT $1; END"),
    (
        "r5",
        &[("a", "integer")],
        "BEGIN ATOMIC INSERT INTO fx.codes VALUES (a) ON CONFLICT DO NOTHING; END",
    ),
    (
        "r6",
        &[],
        "BEGIN ATOMIC UPDATE fx.items SET qty = t.id FROM fx.tags t; END",
    ),
    (
        "r7",
        &[],
        "BEGIN ATOMIC DELETE FROM fx.items USING fx.tags WHERE tags.id = items.id; END",
    ),
    (
        "r8",
        &[],
        "BEGIN ATOMIC INSERT INTO fx.codes VALUES (DEFAULT); END",
    ),
    (
        "r9",
        &[],
        "BEGIN ATOMIC UPDATE fx.items SET (qty, big) = (1, 2); END",
    ),
    (
        "r10",
        &[],
        "BEGIN ATOMIC INSERT INTO fx.codes VALUES (1, 2); END",
    ),
    ("r11", &[], "BEGIN ATOMIC SELECT 1 END"),
    ("r12", &[], "BEGIN ATOMIC SELECT 1; END extra"),
    (
        "r13",
        &[],
        "BEGIN ATOMIC CREATE TABLE fx.z (a integer); END",
    ),
    (
        "r14",
        &[],
        "BEGIN ATOMIC INSERT INTO fx.codes SELECT 'x'; END",
    ),
    (
        "r15",
        &[],
        "BEGIN ATOMIC UPDATE fx.items SET qty = 1, qty = 2; END",
    ),
    (
        "r16",
        &[("a", "integer")],
        "BEGIN ATOMIC RETURN CASE WHEN a > 1 THEN 1 END; END",
    ),
    ("r17", &[], "SELECT 1"),
    (
        "r18",
        &[],
        "BEGIN ATOMIC INSERT INTO fx.items (id, id) VALUES (1, 2); END",
    ),
];

fn parameters(params: &[(&str, &str)]) -> Vec<Parameter> {
    params
        .iter()
        .map(|(n, t)| Parameter {
            name: (!n.is_empty()).then(|| (*n).to_owned()),
            data_type: builtin(t),
        })
        .collect()
}

fn signature(params: &[(&str, &str)]) -> String {
    params
        .iter()
        .map(|(n, t)| {
            if n.is_empty() {
                (*t).to_owned()
            } else {
                format!("\"{n}\" {t}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[tokio::test]
async fn function_bodies_match_the_server() {
    if !retort_testkit::server_is_major(15, "function_bodies_match_the_server").await {
        return;
    }
    let db = TestDb::new().await;
    let client = db.client().await;
    client.batch_execute(&table_ddl()).await.expect("tables");
    client
        .batch_execute("SET search_path = ''")
        .await
        .expect("search_path");
    let mut ok = 0;
    let mut refused = Vec::new();
    let mut wrong = Vec::new();
    for (name, params, returns, body) in CASES {
        let ddl = format!(
            "CREATE FUNCTION fx.{name}({}) RETURNS {returns} LANGUAGE sql {body}",
            signature(params)
        );
        if let Err(e) = client.batch_execute(&ddl).await {
            panic!("the server must accept {ddl}: {e:?}");
        }
        let row = client
            .query_one(
                "SELECT pg_catalog.pg_get_function_sqlbody(p.oid) FROM pg_catalog.pg_proc p \
                 JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace \
                 WHERE n.nspname = 'fx' AND p.proname = $1",
                &[name],
            )
            .await
            .expect("sqlbody");
        let server: String = row.get(0);
        match canonicalize_sql_body(name, body, &parameters(params), &TestScope) {
            Ok(ours) if ours == server => ok += 1,
            Ok(ours) => wrong.push(format!("{ddl}\n  server: {server:?}\n  ours:   {ours:?}")),
            Err(e) => refused.push(format!("{ddl}: {e}")),
        }
    }
    for r in &refused {
        eprintln!("refused: {r}");
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    eprintln!("{ok} of {} function bodies reproduced exactly", CASES.len());
    assert!(ok >= 74, "only {ok} of {} bodies reproduced", CASES.len());
}

#[test]
fn refused_bodies() {
    for (name, params, body) in REFUSED {
        let r = canonicalize_sql_body(name, body, &parameters(params), &TestScope);
        assert!(r.is_err(), "{body} must be refused, got {r:?}");
    }
}
