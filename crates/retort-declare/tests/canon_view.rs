//! `canon::view::canonicalize_view` agrees with the server: every view below is created by
//! PostgreSQL 15 and the text `pg_get_viewdef` prints (with an empty search_path) must equal
//! the offline canonical text exactly, and so must the view's output columns. Views the
//! canonicalizer refuses are counted; a floor keeps the supported share from shrinking.

use std::cell::RefCell;

use retort_declare::canon::expr::{ExprError, ResolvedType, Scope, TypeKind};
use retort_declare::canon::types::canonical_builtin;
use retort_declare::canon::view::{
    QueryScope, RelationColumns, canonicalize_recursive_view, canonicalize_view,
};
use retort_declare::sql::RetortDialect;
use retort_testkit::TestDb;
use sqlparser::ast::Statement;
use sqlparser::parser::Parser;

/// A table the views read: schema, name, columns with their written types.
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
            ("created", "timestamp"),
            ("big", "bigint"),
        ],
    ),
    (
        "fx",
        "tags",
        &[
            ("id", "integer"),
            ("item_id", "integer"),
            ("tag", "varchar(20)"),
        ],
    ),
    ("fx", "new", &[("id", "integer"), ("note", "text")]),
    (
        "fx",
        "orders",
        &[
            ("id", "integer"),
            ("item_id", "integer"),
            ("amount", "numeric"),
            ("placed", "date"),
        ],
    ),
    (
        "Mixed",
        "Order",
        &[("Id", "integer"), ("select", "text"), ("from", "integer")],
    ),
];

const SETUP: &str = r#"
CREATE SCHEMA fx;
CREATE SCHEMA "Mixed";
CREATE FUNCTION fx.quadruple(integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT $1 * 4';
"#;

fn table_ddl() -> String {
    let mut out = String::new();
    for (schema, name, cols) in TABLES {
        let cols: Vec<String> = cols.iter().map(|(c, t)| format!("\"{c}\" {t}")).collect();
        out.push_str(&format!(
            "CREATE TABLE \"{schema}\".\"{name}\" ({});\n",
            cols.join(", ")
        ));
    }
    out
}

struct TestScope {
    views: RefCell<Vec<RelationColumns>>,
}

impl Scope for TestScope {
    fn column(&self, _qualifier: Option<&str>, _name: &str) -> Option<ResolvedType> {
        None
    }

    fn user_type(&self, _schema: Option<&str>, _name: &str) -> Option<ResolvedType> {
        None
    }

    fn function(
        &self,
        schema: Option<&str>,
        name: &str,
        args: &[ResolvedType],
    ) -> Option<(String, ResolvedType)> {
        let sql: Vec<&str> = args.iter().map(|a| a.sql.as_str()).collect();
        match (schema, name, sql.as_slice()) {
            (Some("fx"), "quadruple", ["integer"]) => {
                Some(("fx".into(), ResolvedType::builtin("integer")))
            }
            _ => None,
        }
    }
}

impl QueryScope for TestScope {
    fn relation(&self, schema: Option<&str>, name: &str) -> Option<RelationColumns> {
        let schema = schema?;
        if let Some((s, n, cols)) = TABLES.iter().find(|(s, n, _)| *s == schema && *n == name) {
            return Some(RelationColumns {
                schema: (*s).into(),
                name: (*n).into(),
                columns: cols
                    .iter()
                    .map(|(c, t)| {
                        let sql = canonical_builtin(t).expect("built-in type");
                        ((*c).to_owned(), ResolvedType::builtin(sql))
                    })
                    .collect(),
            });
        }
        self.views
            .borrow()
            .iter()
            .find(|v| v.schema == schema && v.name == name)
            .cloned()
    }
}

fn fold(i: &sqlparser::ast::Ident) -> String {
    if i.quote_style.is_some() {
        i.value.clone()
    } else {
        i.value.to_ascii_lowercase()
    }
}

/// The view's name, its column list and the result of canonicalizing it.
fn canonicalize(
    ddl: &str,
    scope: &TestScope,
) -> (
    String,
    Result<retort_declare::canon::view::ViewDefinition, ExprError>,
) {
    let stmts = Parser::parse_sql(&RetortDialect, ddl).unwrap_or_else(|e| panic!("{ddl}: {e}"));
    let [Statement::CreateView(v)] = stmts.as_slice() else {
        panic!("not one CREATE VIEW: {ddl}");
    };
    let name = fold(
        v.name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .expect("view name"),
    );
    let cols: Vec<String> = v.columns.iter().map(|c| fold(&c.name)).collect();
    (name, canonicalize_view(&v.query, &cols, scope))
}

/// Views that must be reproduced exactly (each name is used once; later views may read
/// earlier ones).
const CASES: &[&str] = &[
    // single table
    "CREATE VIEW fx.basic AS SELECT id, name, qty, fx.quadruple(qty) AS qty4 FROM fx.items WHERE active",
    "CREATE VIEW fx.totals AS SELECT name, sum(qty) AS total, count(*) AS n FROM fx.items GROUP BY name",
    "CREATE VIEW fx.on_view AS SELECT t.name, t.total FROM fx.totals t WHERE t.total > 10",
    "CREATE VIEW fx.star AS SELECT * FROM fx.items",
    "CREATE VIEW fx.star_alias AS SELECT i.* FROM fx.items i",
    "CREATE VIEW fx.renamed (a, b) AS SELECT id, name AS nm FROM fx.items",
    "CREATE VIEW fx.renamed_partial (x) AS SELECT id, name FROM fx.items",
    "CREATE VIEW fx.same_alias AS SELECT id AS id, name AS label FROM fx.items",
    "CREATE VIEW fx.qualified AS SELECT items.id, fx.items.name FROM fx.items",
    "CREATE VIEW fx.alias_cols AS SELECT i.a, i.b FROM fx.items AS i (a, b)",
    "CREATE VIEW fx.alias_same_cols AS SELECT i.id FROM fx.items i (id, name)",
    // literals and expressions
    "CREATE VIEW fx.literals AS SELECT 1 AS one, 'x' AS s, 1.5 AS d, -2 AS neg, true AS t, NULL::integer AS n",
    "CREATE VIEW fx.unnamed AS SELECT 1, 'x' AS s, qty::bigint, (qty * 2)::text, count(*) FROM fx.items GROUP BY qty",
    "CREATE VIEW fx.casts AS SELECT code::text AS c, price::integer AS p, created::date AS d, CAST(qty AS numeric) FROM fx.items",
    "CREATE VIEW fx.case_expr AS SELECT name, CASE WHEN qty > 1 THEN 'many' ELSE 'one' END, qty FROM fx.items",
    "CREATE VIEW fx.case_named AS SELECT CASE WHEN qty > 1 THEN name ELSE code END AS label, CASE qty WHEN 1 THEN 'a' END AS c2 FROM fx.items",
    "CREATE VIEW fx.case_first AS SELECT CASE WHEN active THEN 1 ELSE 0 END AS flag, id FROM fx.items",
    "CREATE VIEW fx.in_list AS SELECT id FROM fx.items WHERE name IN ('a', 'b') AND qty BETWEEN 1 AND 5",
    "CREATE VIEW fx.like_null AS SELECT id FROM fx.items WHERE name LIKE 'a%' OR code IS NULL OR NOT active",
    "CREATE VIEW fx.coalesce_ AS SELECT coalesce(code, name) AS c, nullif(qty, 0), greatest(qty, 1), lower(name) FROM fx.items",
    "CREATE VIEW fx.arith AS SELECT price * qty AS total, price * 1.1 AS taxed, qty % 2 = 0 AS even FROM fx.items",
    "CREATE VIEW fx.sqlfuncs AS SELECT now() AS ts, current_date, extract(year FROM created) AS y, position('a' IN name) AS p FROM fx.items",
    // joins
    "CREATE VIEW fx.join_on AS SELECT i.name, t.tag FROM fx.items i JOIN fx.tags t ON i.id = t.item_id",
    "CREATE VIEW fx.join_inner AS SELECT i.name, t.tag FROM fx.items i INNER JOIN fx.tags t ON t.item_id = i.id AND t.tag <> 'x'",
    "CREATE VIEW fx.join_left AS SELECT i.name, t.tag FROM fx.items i LEFT JOIN fx.tags t ON i.id = t.item_id",
    "CREATE VIEW fx.join_left_outer AS SELECT i.name, t.tag FROM fx.items i LEFT OUTER JOIN fx.tags t ON i.id = t.item_id",
    "CREATE VIEW fx.join_right AS SELECT i.name, t.tag FROM fx.items i RIGHT JOIN fx.tags t ON i.id = t.item_id",
    "CREATE VIEW fx.join_full AS SELECT i.name, t.tag FROM fx.items i FULL JOIN fx.tags t ON i.id = t.item_id",
    "CREATE VIEW fx.join_cross AS SELECT i.name, t.tag FROM fx.items i CROSS JOIN fx.tags t",
    "CREATE VIEW fx.join_comma AS SELECT i.name, t.tag FROM fx.items i, fx.tags t WHERE i.id = t.item_id",
    "CREATE VIEW fx.join_three AS SELECT i.name, t.tag, o.amount FROM fx.items i JOIN fx.tags t ON i.id = t.item_id LEFT JOIN fx.orders o ON o.item_id = i.id",
    "CREATE VIEW fx.join_using AS SELECT id, name, item_id FROM fx.items JOIN fx.tags USING (id)",
    "CREATE VIEW fx.join_using_full AS SELECT id FROM fx.items FULL JOIN fx.tags USING (id)",
    "CREATE VIEW fx.join_using_right AS SELECT id, tag FROM fx.items RIGHT JOIN fx.tags USING (id)",
    "CREATE VIEW fx.join_using_left AS SELECT id FROM fx.items LEFT JOIN fx.tags USING (id)",
    "CREATE VIEW fx.join_natural AS SELECT id, item_id FROM fx.items NATURAL JOIN fx.tags",
    "CREATE VIEW fx.join_star AS SELECT * FROM fx.items JOIN fx.tags USING (id)",
    "CREATE VIEW fx.join_alias AS SELECT x.id, x.tag FROM (fx.items JOIN fx.tags USING (id)) x",
    "CREATE VIEW fx.join_unqualified AS SELECT name, tag FROM fx.items i JOIN fx.tags t ON i.id = t.item_id",
    "CREATE VIEW fx.join_nested AS SELECT i.name FROM fx.items i JOIN (fx.tags t JOIN fx.orders o ON o.item_id = t.item_id) ON i.id = t.item_id",
    "CREATE VIEW fx.join_self AS SELECT a.name, b.name AS other FROM fx.items a JOIN fx.items b ON a.id = b.qty",
    "CREATE VIEW fx.join_on_true AS SELECT i.id FROM fx.items i LEFT JOIN fx.new n ON true",
    // names PostgreSQL must make unique
    "CREATE VIEW fx.rule_names AS SELECT n.id FROM fx.new, fx.items old, fx.new n",
    "CREATE VIEW fx.dup_tables AS SELECT items.id FROM fx.items, fx.tags items_1",
    // group by / having / order by / limit / distinct
    "CREATE VIEW fx.grouped AS SELECT lower(name) AS ln, count(*) FROM fx.items GROUP BY lower(name) HAVING count(*) > 1",
    "CREATE VIEW fx.group_pos AS SELECT name, qty, sum(price) FROM fx.items GROUP BY 1, 2",
    "CREATE VIEW fx.group_alias AS SELECT qty + 1 AS q1, count(*) AS n FROM fx.items GROUP BY q1",
    "CREATE VIEW fx.ordered AS SELECT name, qty FROM fx.items ORDER BY name DESC NULLS LAST, 2, qty NULLS FIRST",
    "CREATE VIEW fx.ordered_expr AS SELECT name FROM fx.items ORDER BY lower(name), qty DESC",
    "CREATE VIEW fx.ordered_alias AS SELECT name AS n, qty * 2 AS q FROM fx.items ORDER BY q DESC, n",
    "CREATE VIEW fx.limited AS SELECT name FROM fx.items ORDER BY name LIMIT 10 OFFSET 5",
    "CREATE VIEW fx.limit_big AS SELECT name FROM fx.items LIMIT 3000000000",
    "CREATE VIEW fx.fetch_first AS SELECT name FROM fx.items ORDER BY name FETCH FIRST 3 ROWS ONLY",
    "CREATE VIEW fx.with_ties AS SELECT name FROM fx.items ORDER BY qty FETCH FIRST 3 ROWS WITH TIES",
    "CREATE VIEW fx.distinct_ AS SELECT DISTINCT name, qty FROM fx.items",
    "CREATE VIEW fx.distinct_on AS SELECT DISTINCT ON (lower(name)) name, qty FROM fx.items ORDER BY lower(name), qty DESC",
    "CREATE VIEW fx.distinct_on_col AS SELECT DISTINCT ON (name) name, qty FROM fx.items ORDER BY name, qty",
    // aggregates and window functions
    "CREATE VIEW fx.aggs AS SELECT count(DISTINCT name), sum(qty) FILTER (WHERE active), string_agg(name, ',' ORDER BY name), avg(price), max(code), min(created) FROM fx.items",
    "CREATE VIEW fx.aggs2 AS SELECT bool_and(active) AS all_active, array_agg(id ORDER BY id DESC) AS ids, sum(big) AS sb FROM fx.items",
    "CREATE VIEW fx.windows AS SELECT row_number() OVER (PARTITION BY name ORDER BY qty DESC), rank() OVER (ORDER BY qty), sum(qty) OVER (PARTITION BY name) AS running FROM fx.items",
    "CREATE VIEW fx.windows2 AS SELECT id, lag(qty) OVER (ORDER BY id) AS prev, count(*) OVER () AS total FROM fx.items",
    // subqueries
    "CREATE VIEW fx.sub_from AS SELECT s.n FROM (SELECT name AS n FROM fx.items) s",
    "CREATE VIEW fx.sub_from_clash AS SELECT s.n FROM (SELECT name AS n FROM fx.items) s, fx.items",
    "CREATE VIEW fx.sub_from_cols AS SELECT s.a FROM (SELECT id, name FROM fx.items) s (a, b)",
    "CREATE VIEW fx.sub_scalar AS SELECT (SELECT max(tag) FROM fx.tags WHERE item_id = i.id) AS mt, i.id FROM fx.items i",
    "CREATE VIEW fx.sub_scalar_unnamed AS SELECT i.id, (SELECT count(*) FROM fx.tags t WHERE t.item_id = i.id) FROM fx.items i",
    "CREATE VIEW fx.sub_where AS SELECT name FROM fx.items WHERE qty > (SELECT avg(qty) FROM fx.items)",
    "CREATE VIEW fx.sub_exists AS SELECT id FROM fx.items WHERE EXISTS (SELECT 1 FROM fx.tags WHERE tags.item_id = items.id)",
    "CREATE VIEW fx.sub_not_exists AS SELECT id FROM fx.items i WHERE NOT EXISTS (SELECT FROM fx.tags t WHERE t.item_id = i.id)",
    "CREATE VIEW fx.sub_in AS SELECT id FROM fx.items WHERE id IN (SELECT item_id FROM fx.tags)",
    "CREATE VIEW fx.sub_not_in AS SELECT id FROM fx.items WHERE id NOT IN (SELECT item_id FROM fx.tags WHERE tag = 'x')",
    "CREATE VIEW fx.sub_nested AS SELECT s.id FROM (SELECT t.id FROM (SELECT id FROM fx.items) t) s",
    // set operations
    "CREATE VIEW fx.union_ AS SELECT id FROM fx.items UNION SELECT id FROM fx.tags",
    "CREATE VIEW fx.union_all AS SELECT id, name FROM fx.items UNION ALL SELECT id, note FROM fx.new",
    "CREATE VIEW fx.union_three AS SELECT id FROM fx.items UNION SELECT id FROM fx.tags UNION SELECT id FROM fx.new",
    "CREATE VIEW fx.setop_mixed AS SELECT id FROM fx.items UNION SELECT id FROM fx.tags EXCEPT SELECT 3 ORDER BY 1",
    "CREATE VIEW fx.intersect_ AS SELECT id FROM fx.items INTERSECT ALL SELECT item_id FROM fx.tags",
    "CREATE VIEW fx.except_right AS SELECT id FROM fx.items EXCEPT (SELECT id FROM fx.tags UNION SELECT id FROM fx.new)",
    "CREATE VIEW fx.union_literals AS SELECT 'a' AS k, 1 AS v UNION ALL SELECT 'b', 2",
    "CREATE VIEW fx.union_order AS SELECT id, name FROM fx.items UNION SELECT id, note FROM fx.new ORDER BY name DESC LIMIT 5",
    "CREATE VIEW fx.union_paren AS SELECT id FROM fx.items INTERSECT (SELECT id FROM fx.tags ORDER BY 1 LIMIT 1)",
    "CREATE VIEW fx.union_sub AS SELECT * FROM (SELECT id FROM fx.items UNION SELECT id FROM fx.tags) u",
    // CTEs and VALUES
    "CREATE VIEW fx.cte AS WITH c AS (SELECT id, name FROM fx.items) SELECT c.id FROM c",
    "CREATE VIEW fx.cte_two AS WITH a AS (SELECT 1 AS x), b AS MATERIALIZED (SELECT x FROM a) SELECT * FROM b",
    "CREATE VIEW fx.cte_union AS WITH c AS (SELECT id FROM fx.items) SELECT id FROM c UNION ALL SELECT id FROM fx.tags",
    "CREATE VIEW fx.cte_cols AS WITH c (k, v) AS NOT MATERIALIZED (SELECT id, name FROM fx.items) SELECT k, v FROM c WHERE k > 1",
    "CREATE VIEW fx.cte_recursive AS WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5) SELECT n FROM c",
    "CREATE VIEW fx.cte_recursive_two AS WITH RECURSIVE a AS (SELECT id, name FROM fx.items), t(id, depth) AS (SELECT id, 0 FROM a UNION SELECT i.qty, t.depth + 1 FROM t JOIN fx.items i ON i.id = t.id WHERE t.depth < 3) SELECT t.depth, a.name FROM t JOIN a USING (id)",
    "CREATE VIEW fx.cte_recursive_plain AS WITH RECURSIVE c AS (SELECT id FROM fx.items) SELECT id FROM c",
    "CREATE VIEW fx.cte_clash AS WITH c AS (SELECT id FROM fx.items) SELECT c.id FROM c JOIN fx.items ON items.id = c.id",
    "CREATE VIEW fx.values_ AS VALUES (1, 'a'), (2, 'b')",
    "CREATE VIEW fx.values_from AS SELECT v.a FROM (VALUES (1, 'a'), (2, 'b')) v (a, b)",
    "CREATE VIEW fx.values_mixed AS SELECT v.x FROM (VALUES (1), (2.5)) v (x)",
    // quoting, mixed case, reserved words
    "CREATE VIEW fx.mixed AS SELECT \"Id\", \"select\", o.\"from\" FROM \"Mixed\".\"Order\" o",
    "CREATE VIEW fx.\"Mixed View\" AS SELECT \"Id\" AS \"Upper\", \"select\" AS \"user\" FROM \"Mixed\".\"Order\"",
    "CREATE VIEW fx.reserved_alias AS SELECT \"order\".id AS \"case\" FROM fx.items \"order\"",
    "CREATE VIEW fx.sub_quoted AS SELECT \"Sub\".\"ID\" FROM (SELECT id AS \"ID\" FROM fx.items) \"Sub\"",
    // views on views
    "CREATE VIEW fx.on_basic AS SELECT b.qty4, b.name FROM fx.basic b JOIN fx.totals t ON t.name = b.name",
    "CREATE VIEW fx.on_renamed AS SELECT a, b FROM fx.renamed",
    "CREATE VIEW fx.on_star AS SELECT * FROM fx.join_star",
];

/// Views the canonicalizer must refuse (not reproduced, or not valid).
const REFUSED: &[&str] = &[
    "CREATE VIEW fx.r1 AS SELECT * FROM fx.items, LATERAL (SELECT 1) s",
    "CREATE VIEW fx.r2 AS SELECT * FROM generate_series(1, 3) g",
    "CREATE VIEW fx.r3 AS WITH RECURSIVE c(n) AS (SELECT n FROM c UNION ALL SELECT 1) SELECT n FROM c",
    "CREATE VIEW fx.r4 AS SELECT sum(qty) OVER w FROM fx.items WINDOW w AS (ORDER BY id)",
    "CREATE VIEW fx.r5 AS SELECT sum(qty) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM fx.items",
    "CREATE VIEW fx.r6 AS SELECT id FROM fx.missing",
    "CREATE VIEW fx.r7 AS SELECT nope FROM fx.items",
    "CREATE VIEW fx.r8 AS SELECT id FROM fx.items JOIN fx.tags ON true",
    "CREATE VIEW fx.r9 AS SELECT id FROM fx.items UNION SELECT name FROM fx.items",
    "CREATE VIEW fx.r10 AS SELECT x FROM (SELECT 1 AS x) UNION VALUES (3)",
    "CREATE VIEW fx.r11 AS SELECT 1 AS a, 2 AS a",
    "CREATE VIEW fx.r12 AS SELECT * FROM (SELECT 1)",
    "CREATE VIEW fx.r13 (a, b, c) AS SELECT 1, 2",
    "CREATE VIEW fx.r15 AS WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1.5 FROM c) SELECT n FROM c",
    "CREATE VIEW fx.r16 AS WITH RECURSIVE c(n) AS (SELECT 1 INTERSECT SELECT n FROM c) SELECT n FROM c",
    "CREATE VIEW fx.r14 AS SELECT id FROM fx.items JOIN fx.orders USING (id) JOIN fx.tags USING (id) WHERE amount::integer IN (SELECT 1, 2)",
];

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[tokio::test]
async fn view_definitions_match_the_server() {
    if !retort_testkit::server_is_major(15, "view_definitions_match_the_server").await {
        return;
    }
    let db = TestDb::new().await;
    let client = db.client().await;
    client.batch_execute(SETUP).await.expect("setup");
    client.batch_execute(&table_ddl()).await.expect("tables");
    client
        .batch_execute("SET search_path = ''")
        .await
        .expect("search_path");
    let scope = TestScope {
        views: RefCell::new(Vec::new()),
    };
    let mut ok = 0;
    let mut refused = Vec::new();
    let mut wrong = Vec::new();
    for ddl in CASES {
        let (name, ours) = canonicalize(ddl, &scope);
        if let Err(e) = client.batch_execute(ddl).await {
            panic!("the server must accept {ddl}: {e:?}");
        }
        let rel = format!("fx.{}", quote(&name));
        let row = client
            .query_one(
                "SELECT pg_catalog.pg_get_viewdef($1::text::pg_catalog.regclass)",
                &[&rel],
            )
            .await
            .expect("viewdef");
        let def: String = row.get(0);
        let rows = client
            .query(
                "SELECT attname::text, pg_catalog.format_type(atttypid, atttypmod) \
                 FROM pg_catalog.pg_attribute WHERE attrelid = $1::text::pg_catalog.regclass \
                 AND attnum > 0 ORDER BY attnum",
                &[&rel],
            )
            .await
            .expect("columns");
        let cols: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        let server_cols: Vec<(String, ResolvedType)> = cols
            .iter()
            .map(|(n, t)| {
                (
                    n.clone(),
                    ResolvedType {
                        sql: t.clone(),
                        kind: TypeKind::Builtin,
                    },
                )
            })
            .collect();
        match ours {
            Ok(v) => {
                let our_cols: Vec<(String, String)> = v
                    .columns
                    .iter()
                    .map(|(n, t)| (n.clone(), t.sql.clone()))
                    .collect();
                if v.definition == def && our_cols == cols {
                    ok += 1;
                } else {
                    wrong.push(format!(
                        "{ddl}\n  server: {def:?} {cols:?}\n  ours:   {:?} {our_cols:?}",
                        v.definition
                    ));
                }
            }
            Err(e) => refused.push(format!("{ddl}: {e}")),
        }
        scope.views.borrow_mut().push(RelationColumns {
            schema: "fx".into(),
            name,
            columns: server_cols,
        });
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
    eprintln!("{ok} of {} views reproduced exactly", CASES.len());
    assert!(ok >= 90, "only {ok} of {} views reproduced", CASES.len());
}

#[tokio::test]
async fn refused_views() {
    let scope = TestScope {
        views: RefCell::new(Vec::new()),
    };
    for ddl in REFUSED {
        let (_, r) = canonicalize(ddl, &scope);
        assert!(r.is_err(), "{ddl} must be refused, got {r:?}");
    }
}

/// A schema with a user enum and arrays of it, read through a scope that knows the enum.
const EDGE_SETUP: &str = r#"
CREATE SCHEMA fx_edge;
CREATE TYPE fx_edge.colour AS ENUM ('red', 'green');
CREATE TABLE fx_edge."table" (palette fx_edge.colour[], tags varchar(10)[], id integer);
"#;

struct EdgeScope;

impl Scope for EdgeScope {
    fn column(&self, _qualifier: Option<&str>, _name: &str) -> Option<ResolvedType> {
        None
    }

    fn user_type(&self, schema: Option<&str>, name: &str) -> Option<ResolvedType> {
        match (schema, name) {
            (Some("fx_edge"), "colour") => Some(ResolvedType {
                sql: "fx_edge.colour".into(),
                kind: TypeKind::Enum,
            }),
            _ => None,
        }
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

impl QueryScope for EdgeScope {
    fn relation(&self, schema: Option<&str>, name: &str) -> Option<RelationColumns> {
        if (schema, name) != (Some("fx_edge"), "table") {
            return None;
        }
        Some(RelationColumns {
            schema: "fx_edge".into(),
            name: "table".into(),
            columns: vec![
                (
                    "palette".into(),
                    ResolvedType {
                        sql: "fx_edge.colour[]".into(),
                        kind: TypeKind::Enum,
                    },
                ),
                (
                    "tags".into(),
                    ResolvedType::builtin("character varying(10)[]"),
                ),
                ("id".into(), ResolvedType::builtin("integer")),
            ],
        })
    }
}

/// Views over user types (and recursive views), each checked against the server.
const EDGE_CASES: &[&str] = &[
    "CREATE VIEW fx_edge.unnest_enum AS SELECT unnest(palette) AS colour, count(*) AS n FROM fx_edge.\"table\" GROUP BY 1",
    "CREATE VIEW fx_edge.unnest_varchar AS SELECT id, unnest(tags) FROM fx_edge.\"table\"",
    "CREATE VIEW fx_edge.unnest_qualified AS SELECT pg_catalog.unnest(t.palette) AS c FROM fx_edge.\"table\" t ORDER BY 1",
];

/// `CREATE RECURSIVE VIEW fx_edge.name (columns) AS query`: name, columns, query.
const RECURSIVE_CASES: &[(&str, &str, &str)] = &[
    (
        "counter",
        "n",
        "SELECT 1 UNION ALL SELECT n + 1 FROM counter WHERE n < 10",
    ),
    (
        "Walk",
        "id, \"Step\"",
        "SELECT id, 1 FROM fx_edge.\"table\" UNION SELECT w.id, w.\"Step\" + 1 FROM \"Walk\" w WHERE w.\"Step\" < 3",
    ),
];

/// Views over user types the canonicalizer must refuse.
const EDGE_REFUSED: &[&str] = &[
    // a set-returning function only as a whole target-list item
    "CREATE VIEW fx_edge.r1 AS SELECT id FROM fx_edge.\"table\" WHERE unnest(tags) = 'a'",
    "CREATE VIEW fx_edge.r2 AS SELECT coalesce(unnest(tags), 'x') FROM fx_edge.\"table\"",
    "CREATE VIEW fx_edge.r3 AS SELECT unnest(id) FROM fx_edge.\"table\"",
];

#[tokio::test]
async fn edge_views_match_the_server() {
    if !retort_testkit::server_is_major(15, "edge_views_match_the_server").await {
        return;
    }
    let db = TestDb::new().await;
    let client = db.client().await;
    client.batch_execute(EDGE_SETUP).await.expect("setup");
    client
        .batch_execute("SET search_path = ''")
        .await
        .expect("search_path");
    let scope = EdgeScope;
    let mut wrong = Vec::new();
    for ddl in EDGE_CASES {
        let (name, ours) = canonicalize_edge(ddl, &scope);
        if let Err(e) = client.batch_execute(ddl).await {
            panic!("the server must accept {ddl}: {e:?}");
        }
        let rel = format!("fx_edge.{}", quote(&name));
        let row = client
            .query_one(
                "SELECT pg_catalog.pg_get_viewdef($1::text::pg_catalog.regclass)",
                &[&rel],
            )
            .await
            .expect("viewdef");
        let def: String = row.get(0);
        let rows = client
            .query(
                "SELECT attname::text, pg_catalog.format_type(atttypid, atttypmod) \
                 FROM pg_catalog.pg_attribute WHERE attrelid = $1::text::pg_catalog.regclass \
                 AND attnum > 0 ORDER BY attnum",
                &[&rel],
            )
            .await
            .expect("columns");
        let cols: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        match ours {
            Ok(v) => {
                let our_cols: Vec<(String, String)> = v
                    .columns
                    .iter()
                    .map(|(n, t)| (n.clone(), t.sql.clone()))
                    .collect();
                if v.definition != def || our_cols != cols {
                    wrong.push(format!(
                        "{ddl}\n  server: {def:?} {cols:?}\n  ours:   {:?} {our_cols:?}",
                        v.definition
                    ));
                }
            }
            Err(e) => wrong.push(format!("{ddl}: refused: {e}")),
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    for (name, cols, query) in RECURSIVE_CASES {
        let ddl = format!(
            "CREATE RECURSIVE VIEW fx_edge.{name_q} ({cols}) AS {query}",
            name_q = quote(name)
        );
        let stmts = Parser::parse_sql(&RetortDialect, query).expect("query");
        let [Statement::Query(q)] = stmts.as_slice() else {
            panic!("not one query: {query}");
        };
        let col_list: Vec<String> = Parser::new(&RetortDialect)
            .try_with_sql(cols)
            .and_then(|mut p| p.parse_comma_separated(|p| p.parse_identifier()))
            .expect("columns")
            .iter()
            .map(fold)
            .collect();
        let ours = canonicalize_recursive_view(name, q, &col_list, &scope);
        client
            .batch_execute(&ddl)
            .await
            .unwrap_or_else(|e| panic!("{ddl}: {e:?}"));
        let rel = format!("fx_edge.{}", quote(name));
        let def: String = client
            .query_one(
                "SELECT pg_catalog.pg_get_viewdef($1::text::pg_catalog.regclass)",
                &[&rel],
            )
            .await
            .expect("viewdef")
            .get(0);
        match ours {
            Ok(v) if v.definition == def => {}
            Ok(v) => wrong.push(format!(
                "{ddl}\n  server: {def:?}\n  ours:   {:?}",
                v.definition
            )),
            Err(e) => wrong.push(format!("{ddl}: refused: {e}")),
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    eprintln!(
        "{} of {} edge views reproduced exactly",
        EDGE_CASES.len() + RECURSIVE_CASES.len(),
        EDGE_CASES.len() + RECURSIVE_CASES.len()
    );
    for ddl in EDGE_REFUSED {
        let (_, r) = canonicalize_edge(ddl, &scope);
        assert!(r.is_err(), "{ddl} must be refused, got {r:?}");
    }
}

fn canonicalize_edge(
    ddl: &str,
    scope: &EdgeScope,
) -> (
    String,
    Result<retort_declare::canon::view::ViewDefinition, ExprError>,
) {
    let stmts = Parser::parse_sql(&RetortDialect, ddl).unwrap_or_else(|e| panic!("{ddl}: {e}"));
    let [Statement::CreateView(v)] = stmts.as_slice() else {
        panic!("not one CREATE VIEW: {ddl}");
    };
    let name = fold(
        v.name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .expect("view name"),
    );
    let cols: Vec<String> = v.columns.iter().map(|c| fold(&c.name)).collect();
    (name, canonicalize_view(&v.query, &cols, scope))
}
