//! Against a real PostgreSQL: the fixtures load, quoted names and literals read back as
//! themselves, and a rendered script builds the same database as the SQL it stands for.

mod common;
#[path = "common/fingerprint.rs"]
mod fingerprint;
#[path = "common/shop.rs"]
mod shop;

use retort_sql::quote::{dollar_quote, quote_ident, quote_literal, quote_qualified};
use retort_sql::render_catalog;
use retort_testkit::TestDb;

/// The role the fixtures' and the shop's policies name.
const APP_ROLE: &str = "retort_app";

async fn fresh_db() -> TestDb {
    let db = TestDb::new().await;
    db.create_role_if_missing(APP_ROLE).await;
    db
}

#[tokio::test]
async fn every_fixture_loads_on_its_own_and_all_load_together() {
    let version = retort_testkit::Server::shared().await.server_version_num();
    let fixtures = retort_testkit::fixtures::supported_catalog_fixtures(version);
    assert!(!fixtures.is_empty(), "no fixture runs on {version}");
    let together = fresh_db().await;
    for fixture in &fixtures {
        let alone = fresh_db().await;
        if let Err(e) = alone.try_execute(&fixture.sql).await {
            panic!("{} does not load: {e}", fixture.path.display());
        }
        if let Err(e) = together.try_execute(&fixture.sql).await {
            panic!(
                "{} does not load after the others: {e}",
                fixture.path.display()
            );
        }
    }
}

#[tokio::test]
async fn rendered_script_builds_the_same_database_as_the_sql() {
    let version = retort_testkit::Server::shared().await.server_version_num();
    if version < 140_000 {
        // The shop uses an SQL-standard function body (RETURN ...), new in PostgreSQL 14.
        eprintln!(
            "server_version_num {version} < 140000: the shop schema needs PostgreSQL 14; not checked"
        );
        return;
    }
    let expected = fresh_db().await;
    expected.execute(shop::SQL).await;

    let script = render_catalog(&shop::catalog()).expect("shop renders");
    let rendered = fresh_db().await;
    if let Err(e) = rendered.try_execute(&script).await {
        panic!("the rendered script does not load: {e}\n--- script ---\n{script}");
    }

    let want = fingerprint::fingerprint(&expected).await;
    let got = fingerprint::fingerprint(&rendered).await;
    assert!(
        want.len() > 100,
        "fingerprint too small to mean much: {want:#?}"
    );
    if let Some(diff) = fingerprint::diff(&want, &got) {
        panic!("the rendered script builds another schema:\n{diff}\n--- script ---\n{script}");
    }
}

/// Awkward names: each must come back from PostgreSQL unchanged when quoted.
fn awkward_names() -> Vec<String> {
    let mut names: Vec<String> = [
        "users",
        "UserAccounts",
        "order items",
        "say \"hi\"",
        "\"",
        "\"\"",
        "select",
        "user",
        "order",
        "Select",
        "name",
        "type",
        "int",
        "text",
        "1starts_with_digit",
        "has$dollar",
        "$starts",
        "tab\there",
        "new\nline",
        "it's",
        "back\\slash",
        "café",
        "Ünïcödé 名前 🚀",
        "_",
        "a.b",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    names.push("x".repeat(63));
    names.push(format!("Z{}", "y".repeat(62)));
    // 63 bytes of two-byte characters and one ASCII byte.
    names.push(format!("{}a", "é".repeat(31)));
    names
}

#[tokio::test]
async fn quoted_identifiers_read_back_as_themselves() {
    let db = fresh_db().await;
    let client = db.client().await;
    let mut names = awkward_names();
    let keywords: Vec<String> = client
        .query("SELECT word FROM pg_catalog.pg_get_keywords()", &[])
        .await
        .expect("keywords")
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert!(keywords.len() > 400, "too few keywords: {}", keywords.len());
    names.extend(keywords.iter().cloned());
    names.extend(keywords.iter().map(|k| k.to_uppercase()));

    for chunk in names.chunks(200) {
        let columns: Vec<String> = chunk
            .iter()
            .enumerate()
            .map(|(i, name)| format!("{i} AS {}", quote_ident(name)))
            .collect();
        let sql = format!("SELECT {}", columns.join(", "));
        let statement = client
            .prepare(&sql)
            .await
            .unwrap_or_else(|e| panic!("does not parse: {e}\n{sql}"));
        let read: Vec<&str> = statement.columns().iter().map(|c| c.name()).collect();
        let expected: Vec<&str> = chunk.iter().map(String::as_str).collect();
        assert_eq!(read, expected);
    }

    // A table and a column with awkward names are created and found under their raw names.
    let table = retort_catalog::QualifiedName::new("Odd \"Schema\"", "select");
    let sql = format!(
        "CREATE SCHEMA {schema}; CREATE TABLE {table} ({column} integer);",
        schema = quote_ident(table.schema.as_str()),
        table = quote_qualified(&table),
        column = quote_ident("order items"),
    );
    db.execute(&sql).await;
    let row = client
        .query_one(
            "SELECT n.nspname::text, c.relname::text, a.attname::text
             FROM pg_catalog.pg_class c
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = 1
             WHERE c.relname = 'select'",
            &[],
        )
        .await
        .expect("table found");
    assert_eq!(
        (
            row.get::<_, String>(0),
            row.get::<_, String>(1),
            row.get::<_, String>(2)
        ),
        (
            "Odd \"Schema\"".to_owned(),
            "select".to_owned(),
            "order items".to_owned()
        )
    );
}

#[tokio::test]
async fn keywords_are_quoted_exactly_when_the_server_quotes_them() {
    let db = fresh_db().await;
    let version = db.server().server_version_num();
    let client = db.client().await;
    let rows = client
        .query(
            "SELECT word, pg_catalog.quote_ident(word) FROM pg_catalog.pg_get_keywords()",
            &[],
        )
        .await
        .expect("keywords");
    // retort's list is the union of PostgreSQL 15 to 17's quoted keywords, so that a script
    // rendered on one of them loads on the others: it matches 15 and 17 exactly, and on any
    // other major it may quote a word that major leaves bare, but never leave bare a word the
    // server quotes.
    let exact = matches!(version / 10_000, 15 | 17);
    let mismatches: Vec<String> = rows
        .iter()
        .filter_map(|row| {
            let word: String = row.get(0);
            let server: String = row.get(1);
            let ours = quote_ident(&word);
            let under_quoted = server != word && ours == word;
            let wrong = if exact { ours != server } else { under_quoted };
            wrong.then(|| format!("{word}: server {server}, retort {ours}"))
        })
        .collect();
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}

#[tokio::test]
async fn literals_and_dollar_quoted_bodies_read_back_as_themselves() {
    let db = fresh_db().await;
    let client = db.client().await;
    let values = [
        "",
        "plain",
        "it's",
        "''",
        "back\\slash \\n \\' \\\\",
        "E'not an escape'",
        "line\nbreak\r\ttab",
        "ünïcödé ✓ 名前 🚀",
        "$$ $function$ $function1$",
        "-- not a comment",
        "/* not a comment */",
    ];
    for value in values {
        let sql = format!("SELECT {}::text", quote_literal(value));
        let row = client
            .query_one(sql.as_str(), &[])
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        assert_eq!(row.get::<_, String>(0), value, "{sql}");
    }
    let bodies = [
        "",
        "SELECT 1",
        "x $function$ y",
        "$function$ $function1$ $function2",
        "ends with $function",
        "ends with $",
        "$$",
        "it's \\ $ $$ $_$",
        "BEGIN\n  RAISE NOTICE 'x';\nEND",
    ];
    for body in bodies {
        let sql = format!("SELECT {}::text", dollar_quote(body));
        let row = client
            .query_one(sql.as_str(), &[])
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        assert_eq!(row.get::<_, String>(0), body, "{sql}");
    }
}
