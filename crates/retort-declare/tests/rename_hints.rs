//! Rename hints in declared files, offline: `-- retort:renamed-from` annotations in SQL and
//! `renamed_from` / `renamed_values` in TOML.

use std::path::Path;

use retort_catalog::{QualifiedName, RenameHint, RenameHints, RenameKind};
use retort_declare::load::load_sql;
use retort_declare::{DeclareError, SchemaSource, rename_hints};

fn hint(
    kind: RenameKind,
    schema: &str,
    name: &str,
    member: Option<&str>,
    from: &str,
) -> RenameHint {
    RenameHint {
        kind,
        object: QualifiedName::new(schema, name),
        member: member.map(str::to_owned),
        from: from.to_owned(),
    }
}

fn hints(list: Vec<RenameHint>) -> RenameHints {
    let mut out = RenameHints::default();
    for h in list {
        out.insert(h);
    }
    out
}

fn source(files: &[(&str, &str)]) -> (tempfile::TempDir, SchemaSource) {
    let tmp = tempfile::tempdir().expect("temporary directory");
    for (name, text) in files {
        let path = tmp.path().join(name);
        std::fs::write(&path, text).expect("writes");
    }
    let source = SchemaSource::load(Path::new(tmp.path())).expect("schema files found");
    (tmp, source)
}

/// `load()` and `rename_hints()` agree; returns the hints.
fn both(files: &[(&str, &str)]) -> RenameHints {
    let (_tmp, source) = source(files);
    let loaded = retort_declare::load::load(&source).expect("loads");
    let read = rename_hints(&source).expect("reads hints");
    assert_eq!(loaded.renames, read);
    read
}

const SQL: &str = r#"CREATE SCHEMA app;
-- retort:renamed-from old_users
CREATE TABLE app.users (
  id integer NOT NULL,
  -- retort:renamed-from mail
  email text,
  full_name text, -- retort:renamed-from "Name"
  -- retort:renamed-from users_pk
  CONSTRAINT users_pkey PRIMARY KEY (id)
);
-- retort:renamed-from users_mail_idx
CREATE UNIQUE INDEX users_email_idx ON app.users (email);
-- retort:renamed-from old_mood
CREATE TYPE mood AS ENUM (
  -- retort:renamed-from 'sad'
  'unhappy',
  'happy', -- retort:renamed-from glad
  'ok'
);
-- retort:renamed-from old_seq
CREATE SEQUENCE counter;
-- retort:renamed-from old_view
CREATE VIEW app.v AS SELECT id FROM app.users;
-- retort:renamed-from old_domain
CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
"#;

fn expected() -> RenameHints {
    use RenameKind::*;
    hints(vec![
        hint(Table, "app", "users", None, "old_users"),
        hint(Column, "app", "users", Some("email"), "mail"),
        hint(Column, "app", "users", Some("full_name"), "Name"),
        hint(Constraint, "app", "users", Some("users_pkey"), "users_pk"),
        hint(Index, "app", "users_email_idx", None, "users_mail_idx"),
        hint(Type, "public", "mood", None, "old_mood"),
        hint(EnumValue, "public", "mood", Some("unhappy"), "sad"),
        hint(EnumValue, "public", "mood", Some("happy"), "glad"),
        hint(Sequence, "public", "counter", None, "old_seq"),
        hint(View, "app", "v", None, "old_view"),
        hint(Type, "public", "positive", None, "old_domain"),
    ])
}

#[test]
fn every_sql_form_gives_its_hint() {
    let loaded = load_sql("schema.sql", SQL).expect("loads");
    assert_eq!(loaded.renames, expected());
    assert_eq!(both(&[("schema.sql", SQL)]), expected());
}

#[test]
fn names_are_resolved_as_the_statement_names_are() {
    let text = "CREATE SCHEMA app;\nSET search_path = app, public;\n\
                -- retort:renamed-from \"Old \"\"T\"\"\"\nCREATE TABLE \"New T\" (\"Id\" int);\n\
                -- retort:renamed-from OLD_IDX\nCREATE INDEX new_idx ON \"New T\" (\"Id\");\n\
                -- retort:renamed-from Old_V\nCREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;\n";
    let got = both(&[("a.sql", text)]);
    use RenameKind::*;
    assert_eq!(
        got,
        hints(vec![
            hint(Table, "app", "New T", None, "Old \"T\""),
            hint(Index, "app", "new_idx", None, "old_idx"),
            hint(View, "app", "mv", None, "old_v"),
        ])
    );
}

const TOML: &str = r#"
[[schema]]
name = "app"

[[enum]]
name = "mood"
renamed_from = "old_mood"
values = ["unhappy", "happy", "ok"]
renamed_values = { unhappy = "sad", happy = "glad" }

[[domain]]
name = "positive"
renamed_from = "old_domain"
type = "integer"
check = [{ name = "positive_check", expression = "(VALUE > 0)" }]

[[sequence]]
name = "counter"
renamed_from = "old_seq"

[[table]]
schema = "app"
name = "users"
renamed_from = "old_users"
primary_key = { name = "users_pkey", renamed_from = "users_pk", columns = ["id"] }

[[table.column]]
name = "id"
type = "integer"
not_null = true

[[table.column]]
name = "email"
renamed_from = "mail"
type = "text"

[[table.column]]
name = "full_name"
renamed_from = "Name"
type = "text"

[[index]]
name = "users_email_idx"
renamed_from = "users_mail_idx"
table = { schema = "app", name = "users" }
unique = true
keys = [{ column = "email" }]

[[view]]
schema = "app"
name = "v"
renamed_from = "old_view"
query = " SELECT users.id\n   FROM app.users;"
"#;

#[test]
fn toml_gives_the_same_hints_as_sql() {
    assert_eq!(both(&[("schema.toml", TOML)]), expected());
}

#[test]
fn written_toml_has_no_rename_keys() {
    let loaded = load_sql("schema.sql", SQL).expect("loads");
    let written = retort_declare::toml_format::write(&loaded.catalog).expect("writes");
    assert!(!written.contains("renamed"), "{written}");
}

fn sql_error(text: &str) -> String {
    let e = load_sql("bad.sql", text).expect_err(text);
    let (_tmp, source) = source(&[("bad.sql", text)]);
    let read = match rename_hints(&source) {
        Err(DeclareError::Source(e)) => e.message.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(e.message, read, "{text}");
    e.to_string()
}

#[test]
fn misplaced_and_malformed_annotations_are_errors_with_file_and_line() {
    for (text, at, needle) in [
        (
            "CREATE TABLE t (id int);\n-- retort:renamed-form x\nCREATE TABLE u ();",
            "bad.sql:2:1",
            "unknown",
        ),
        (
            "-- retort:renamed-from x\nSELECT 1;",
            "bad.sql:1:1",
            "precedes nothing",
        ),
        (
            "CREATE TABLE t (id int);\n\n-- retort:renamed-from x\n",
            "bad.sql:3:1",
            "precedes nothing",
        ),
        (
            "CREATE TABLE t (\n  id int\n  -- retort:renamed-from x\n    NOT NULL\n);",
            "bad.sql:3:3",
            "precedes nothing",
        ),
        (
            "CREATE TABLE t (\n  id int,\n  -- retort:renamed-from t_pk\n  PRIMARY KEY (id)\n);",
            "bad.sql:3:3",
            "unnamed constraint",
        ),
        (
            "-- retort:renamed-from s.old\nCREATE TABLE t ();",
            "bad.sql:1:1",
            "without a qualifier",
        ),
        (
            "-- retort:renamed-from\nCREATE TABLE t ();",
            "bad.sql:1:1",
            "needs the previous name",
        ),
        (
            "-- retort:renamed-from \"x\nCREATE TABLE t ();",
            "bad.sql:1:1",
            "unterminated",
        ),
        (
            "-- retort:renamed-from x\nCREATE INDEX ON t (id);\nCREATE TABLE t (id int);",
            "bad.sql:1:1",
            "needs its name",
        ),
        (
            "CREATE TABLE t (id int); -- retort:renamed-from x\nCREATE TABLE u ();",
            "bad.sql:1:26",
            "line before",
        ),
        (
            "-- retort:renamed-from a\n-- retort:renamed-from b\nCREATE TABLE t ();",
            "bad.sql:2:1",
            "already has",
        ),
        (
            "-- retort:renamed-from x\nCREATE TABLE t ();\n-- retort:renamed-from x\nCREATE TABLE u ();",
            "bad.sql:3:1",
            "already renamed from",
        ),
        (
            "-- retort:renamed-from x\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';",
            "bad.sql:1:1",
            "precedes nothing",
        ),
    ] {
        let shown = sql_error(text);
        assert!(shown.starts_with(at), "{text:?}: {shown}");
        assert!(shown.contains(needle), "{text:?}: {shown}");
    }
}

#[test]
fn toml_errors_point_into_the_file() {
    let text = "[[enum]]\nname = \"mood\"\nvalues = [\"a\"]\nrenamed_values = { b = \"c\" }\n";
    let (_tmp, source) = source(&[("bad.toml", text)]);
    let e = rename_hints(&source).expect_err("unknown label");
    assert!(e.to_string().contains("bad.toml:2:"), "{e}");
    let e = retort_declare::load::load(&source).expect_err("unknown label");
    assert!(
        e.to_string().contains("not one of the enum's values"),
        "{e}"
    );
}

#[test]
fn sql_and_toml_together_and_in_any_file_order() {
    let sql = "-- retort:renamed-from old_idx\nCREATE INDEX i ON users (id);\n";
    let toml = "[[table]]\nname = \"users\"\nrenamed_from = \"people\"\n\n[[table.column]]\nname = \"id\"\ntype = \"integer\"\n";
    let got = both(&[("a.sql", sql), ("b.toml", toml)]);
    use RenameKind::*;
    assert_eq!(
        got,
        hints(vec![
            hint(Index, "public", "i", None, "old_idx"),
            hint(Table, "public", "users", None, "people"),
        ])
    );
}
