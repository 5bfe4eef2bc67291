//! Declared files read offline give one catalog whatever the order of the files, the same on
//! every run, and the one PostgreSQL stores for the same SQL.

use std::path::Path;

use retort_declare::SchemaSource;
use retort_declare::load::load;
use retort_introspect::{IntrospectOptions, introspect};
use retort_testkit::TestDb;

const USERS: &str = "CREATE TYPE account_state AS ENUM ('active', 'closed');\n\
CREATE TABLE users (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    email text NOT NULL UNIQUE,\n    state account_state NOT NULL DEFAULT 'active'\n);\n\
COMMENT ON TABLE users IS 'Accounts';\n";
const POSTS: &str = "CREATE TABLE posts (\n    id serial PRIMARY KEY,\n    user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,\n    title varchar(200) NOT NULL CHECK (title <> ''),\n    parent_id integer REFERENCES posts\n);\n\
CREATE INDEX ON posts (user_id);\nCOMMENT ON COLUMN users.email IS 'Where we write';\n";
const TAGS: &str = "CREATE TABLE post_tags (\n    post_id integer REFERENCES posts,\n    tag text NOT NULL,\n    PRIMARY KEY (post_id, tag)\n);\n";

fn write(dir: &Path, files: &[(&str, &str)]) {
    std::fs::create_dir_all(dir).expect("mkdir");
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write");
    }
}

fn offline(dir: &Path) -> retort_catalog::Catalog {
    let source = SchemaSource::load(dir).expect("schema files found");
    match load(&source) {
        Ok(loaded) => {
            assert!(
                loaded.approximations.is_empty(),
                "{:?}",
                loaded.approximations
            );
            loaded.catalog
        }
        Err(e) => panic!("{e}"),
    }
}

#[tokio::test]
async fn file_order_does_not_change_the_catalog() {
    let tmp = tempfile::tempdir().expect("temporary directory");
    // Dependency order, and the reverse: posts.sql and tags.sql come before users.sql.
    let in_order = tmp.path().join("a");
    write(
        &in_order,
        &[
            ("1_users.sql", USERS),
            ("2_posts.sql", POSTS),
            ("3_tags.sql", TAGS),
        ],
    );
    let reversed = tmp.path().join("b");
    write(
        &reversed,
        &[
            ("1_tags.sql", TAGS),
            ("2_posts.sql", POSTS),
            ("3_users.sql", USERS),
        ],
    );
    let first = offline(&in_order);
    assert_eq!(first, offline(&in_order), "the same files, read twice");
    assert_eq!(first, offline(&reversed), "the same files in another order");
    assert_eq!(
        serde_json::to_string(&first).expect("serializes"),
        serde_json::to_string(&offline(&reversed)).expect("serializes")
    );

    let db = TestDb::new().await;
    db.execute(&format!("{USERS}{POSTS}{TAGS}")).await;
    let client = db.client().await;
    let exact = introspect(&client, &IntrospectOptions::default())
        .await
        .expect("introspects");
    assert_eq!(
        first, exact.catalog,
        "offline equals what PostgreSQL stores"
    );
}

#[test]
fn a_reference_nothing_declares_is_an_error_at_its_place() {
    let tmp = tempfile::tempdir().expect("temporary directory");
    write(tmp.path(), &[("1_posts.sql", POSTS)]);
    let source = SchemaSource::load(tmp.path()).expect("schema files found");
    let error = load(&source).expect_err("users is declared nowhere");
    let text = error.to_string();
    assert!(
        text.contains("1_posts.sql:3:40: table \"users\" does not exist"),
        "{text}"
    );
}

const HAND_TOML: &str = r#"
[[enum]]
name = "mood"
values = ["happy", "sad"]

[[table]]
name = "items"

[[table.column]]
name = "id"
type = "INT"
not_null = true

[[table.column]]
name = "label"
type = "varchar(20)"
default = "'none'"

[[table.column]]
name = "price"
type = "numeric(10,2)"
default = "0"

[[table.column]]
name = "feeling"
type = "mood"
default = "'happy'"

[table.primary_key]
name = "items_pkey"
columns = ["id"]

[[table.check]]
name = "items_price_check"
expression = "price >= 0"

[[index]]
name = "items_label"
table = "items"
keys = [{ expression = "lower(label)" }]
where = "feeling <> 'sad'"
"#;

const SAME_SQL: &str = "CREATE TYPE mood AS ENUM ('happy', 'sad');\n\
CREATE TABLE items (\n    id integer PRIMARY KEY,\n    label character varying(20) DEFAULT 'none',\n    price numeric(10,2) DEFAULT 0 CHECK (price >= 0),\n    feeling mood DEFAULT 'happy'\n);\n\
CREATE INDEX items_label ON items (lower(label)) WHERE feeling <> 'sad';\n";

#[tokio::test]
async fn hand_written_toml_is_canonicalized_like_the_server_does() {
    let tmp = tempfile::tempdir().expect("temporary directory");
    write(tmp.path(), &[("schema.toml", HAND_TOML)]);
    let offline = offline(tmp.path());
    let db = TestDb::new().await;
    db.execute(SAME_SQL).await;
    let client = db.client().await;
    let exact = introspect(&client, &IntrospectOptions::default())
        .await
        .expect("introspects");
    assert_eq!(
        serde_json::to_string_pretty(&offline).expect("serializes"),
        serde_json::to_string_pretty(&exact.catalog).expect("serializes")
    );
}

#[test]
fn toml_text_that_cannot_be_canonicalized_is_kept_exactly_and_reported() {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let toml = "[[table]]\nname = \"notes\"\n\n[[table.column]]\nname = \"label\"\ntype = \"text\"\ndefault = \"concat('it''s',   'x')\"\n";
    write(tmp.path(), &[("schema.toml", toml)]);
    let source = SchemaSource::load(tmp.path()).expect("schema files found");
    let loaded = load(&source).unwrap_or_else(|e| panic!("{e}"));
    let table = &loaded.catalog.tables[&retort_catalog::QualifiedName::new("public", "notes")];
    assert_eq!(
        table.columns[0].default.as_ref().map(|d| d.as_str()),
        Some("concat('it''s',   'x')"),
        "kept byte for byte"
    );
    assert_eq!(
        loaded.approximations.len(),
        1,
        "{:?}",
        loaded.approximations
    );
    assert!(
        loaded.approximations[0]
            .at
            .message
            .contains("kept as written"),
        "{}",
        loaded.approximations[0].at
    );
}

#[test]
fn sql_text_that_cannot_be_canonicalized_is_kept_as_written_and_reported() {
    let sql = "CREATE TABLE notes (\n    label text DEFAULT concat('it''s',   'x'),\n    CHECK (label <> concat('a', 'b'))\n);\n";
    let loaded = retort_declare::load::load_sql("notes.sql", sql).unwrap_or_else(|e| panic!("{e}"));
    let table = &loaded.catalog.tables[&retort_catalog::QualifiedName::new("public", "notes")];
    assert_eq!(
        table.columns[0].default.as_ref().map(|d| d.as_str()),
        Some("concat('it''s',   'x')"),
        "the default's text as written"
    );
    let check = table.constraints.values().next().expect("the check");
    assert!(
        matches!(&check.kind, retort_catalog::ConstraintKind::Check { expression, .. }
            if expression.as_str() == "label <> concat('a', 'b')"),
        "{check:?}"
    );
    assert_eq!(
        loaded.approximations.len(),
        2,
        "{:?}",
        loaded.approximations
    );
    assert!(
        loaded.approximations[0]
            .at
            .to_string()
            .starts_with("notes.sql:1:1: expression")
    );
}
