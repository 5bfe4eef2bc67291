//! Exact mode against a real PostgreSQL server: scripts loaded into a scratch database give the
//! catalog of a database loaded with the same SQL, errors point into the right script, and the
//! scratch database is gone afterwards whatever happened.

mod common;

use std::time::{Duration, Instant};

use common::{catalog_diff, read};
use retort_introspect::IntrospectOptions;
use retort_introspect::conn::{DatabaseUrl, connect};
use retort_introspect::scratch::{
    SCRATCH_PREFIX, ScratchError, Script, catalog_of_scripts, catalog_of_scripts_until,
};
use retort_testkit::{Server, TestDb};

/// The tests check that no scratch database of this process is left; under `cargo test` they share
/// one process, so they take turns.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn dev_url() -> DatabaseUrl {
    let admin = Server::shared().await.admin_url();
    admin.parse().expect("the test server's URL parses")
}

/// Scratch databases of this process that still exist.
async fn leftovers() -> Vec<String> {
    let client = connect(&dev_url().await).await.expect("connects");
    let pattern = format!("{SCRATCH_PREFIX}{}\\_%", std::process::id());
    client
        .query(
            "SELECT datname::text FROM pg_catalog.pg_database WHERE datname LIKE $1 ORDER BY 1",
            &[&pattern],
        )
        .await
        .expect("pg_database is readable")
        .iter()
        .map(|row| row.get(0))
        .collect()
}

async fn assert_no_leftovers() {
    let left = leftovers().await;
    assert!(left.is_empty(), "scratch databases left behind: {left:?}");
}

fn script_error(result: Result<retort_introspect::Introspection, ScratchError>) -> ScratchError {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

const USERS: &str = "\
CREATE SCHEMA app;
CREATE TYPE app.mood AS ENUM ('happy', 'sad');
CREATE TABLE app.users (
    id integer PRIMARY KEY,
    mood app.mood NOT NULL DEFAULT 'happy',
    email text UNIQUE
);
CREATE FUNCTION app.lower_email(e text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(e) $$;
";

const POSTS: &str = "\
CREATE TABLE app.posts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id int4 NOT NULL REFERENCES app.users ON DELETE CASCADE,
    title varchar(200) NOT NULL CHECK (title <> ''),
    mood app.mood DEFAULT 'sad'
);
CREATE INDEX posts_user ON app.posts (user_id);
CREATE INDEX users_email_lower ON app.users (app.lower_email(email));
CREATE VIEW app.happy_posts AS
    SELECT p.id, p.title, u.email FROM app.posts p JOIN app.users u ON u.id = p.user_id
    WHERE p.mood = 'happy';
";

#[tokio::test]
async fn two_scripts_give_the_catalog_of_a_database_loaded_with_them() {
    let _turn = SERIAL.lock().await;
    let scripts = [
        Script::new("schema/users.sql", USERS),
        Script::new("schema/posts.sql", POSTS),
    ];
    let exact = catalog_of_scripts(&dev_url().await, &scripts, &IntrospectOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_no_leftovers().await;

    let db = TestDb::new().await;
    db.execute(&format!("{USERS}\n{POSTS}")).await;
    let expected = read(&db, &IntrospectOptions::default()).await;
    assert!(expected.catalog.tables.len() >= 2, "{:?}", expected.catalog);
    if let Some(diff) = catalog_diff(&expected.catalog, &exact.catalog) {
        panic!("the scratch catalog differs\n{diff}");
    }
    assert_eq!(exact.unsupported, expected.unsupported);
    assert_eq!(exact.server_version_num, expected.server_version_num);
}

#[tokio::test]
async fn options_are_passed_to_the_introspector() {
    let _turn = SERIAL.lock().await;
    let scripts = [
        Script::new("a.sql", "CREATE SCHEMA keep; CREATE TABLE keep.t (a int);"),
        Script::new("b.sql", "CREATE SCHEMA skip; CREATE TABLE skip.t (a int);"),
    ];
    let options = IntrospectOptions {
        include_schemas: vec!["keep".into()],
        exclude_schemas: Vec::new(),
    };
    let exact = catalog_of_scripts(&dev_url().await, &scripts, &options)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let tables: Vec<String> = exact
        .catalog
        .tables
        .keys()
        .map(|k| format!("{k:?}"))
        .collect();
    assert_eq!(tables.len(), 1, "{tables:?}");
    assert!(tables[0].contains("keep"), "{tables:?}");
    assert_no_leftovers().await;
}

#[tokio::test]
async fn session_settings_do_not_leak_into_the_next_script() {
    let _turn = SERIAL.lock().await;
    let scripts = [
        Script::new(
            "a.sql",
            "CREATE SCHEMA other; SET search_path = other; CREATE TABLE in_other (a int);",
        ),
        // Runs with the default search_path again, so this lands in public.
        Script::new("b.sql", "CREATE TABLE in_public (a int);"),
    ];
    let exact = catalog_of_scripts(&dev_url().await, &scripts, &IntrospectOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let db = TestDb::new().await;
    db.execute("CREATE SCHEMA other; CREATE TABLE other.in_other (a int); CREATE TABLE public.in_public (a int);")
        .await;
    let expected = read(&db, &IntrospectOptions::default()).await;
    if let Some(diff) = catalog_diff(&expected.catalog, &exact.catalog) {
        panic!("the scratch catalog differs\n{diff}");
    }
    assert_no_leftovers().await;
}

#[tokio::test]
async fn a_syntax_error_points_at_its_script_line_and_column() {
    let _turn = SERIAL.lock().await;
    let second =
        "-- posts, café edition\nCREATE TABLE posts (id int);\nCREATE TABL later (id int);\n";
    let scripts = [
        Script::new("schema/users.sql", "CREATE TABLE users (id int);\n"),
        Script::new("schema/posts.sql", second),
    ];
    let error = script_error(
        catalog_of_scripts(&dev_url().await, &scripts, &IntrospectOptions::default()).await,
    );
    let ScratchError::Script(ref details) = error else {
        panic!("expected a script error, got {error:?}");
    };
    assert_eq!(details.name, "schema/posts.sql");
    assert_eq!((details.line, details.column), (Some(3), Some(8)));
    assert_eq!(details.code.as_deref(), Some("42601"));
    let text = error.to_string();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("schema/posts.sql:3:8: syntax error at or near \"TABL\"")
    );
    assert_eq!(lines.next(), Some("CREATE TABL later (id int);"));
    assert_eq!(lines.next(), Some("       ^"));
    assert_no_leftovers().await;
}

#[tokio::test]
async fn errors_inside_function_bodies_point_into_the_script() {
    let _turn = SERIAL.lock().await;
    let dev = dev_url().await;
    for (body, line, column, message) in [
        (
            "CREATE TABLE t (a int);\nCREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1 +;\nEND $$;\n",
            4,
            13,
            "syntax error at end of input",
        ),
        (
            "CREATE FUNCTION g() RETURNS int LANGUAGE sql\n  AS $$ SELECT nope FROM pg_class $$;\n",
            2,
            16,
            "column \"nope\" does not exist",
        ),
    ] {
        let error = script_error(
            catalog_of_scripts(
                &dev,
                &[Script::new("f.sql", body)],
                &IntrospectOptions::default(),
            )
            .await,
        );
        let first = error.to_string().lines().next().map(str::to_owned);
        assert_eq!(
            first.as_deref(),
            Some(format!("f.sql:{line}:{column}: {message}").as_str()),
            "{error}"
        );
    }
    assert_no_leftovers().await;
}

#[tokio::test]
async fn an_error_in_a_query_postgresql_built_shows_that_query_and_the_context() {
    let _turn = SERIAL.lock().await;
    let scripts = [Script::new(
        "do.sql",
        "CREATE TABLE t (a int);\nDO $$ BEGIN PERFORM nope FROM t; END $$;\n",
    )];
    let error = script_error(
        catalog_of_scripts(&dev_url().await, &scripts, &IntrospectOptions::default()).await,
    );
    let text = error.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "do.sql: column \"nope\" does not exist", "{text}");
    assert_eq!(lines[1], "in the query PostgreSQL ran:", "{text}");
    assert_eq!(lines[2], "SELECT nope FROM t", "{text}");
    assert_eq!(lines[3], "       ^", "{text}");
    assert!(
        text.contains("\nCONTEXT: PL/pgSQL function inline_code_block line 1 at PERFORM"),
        "{text}"
    );
    assert_no_leftovers().await;
}

#[tokio::test]
async fn an_error_without_position_names_the_script_and_the_message() {
    let _turn = SERIAL.lock().await;
    let scripts = [
        Script::new("one.sql", "CREATE TABLE ok (a int);"),
        Script::new("two.sql", "CREATE TABLE t (a int); CREATE TABLE t (a int);"),
    ];
    let error = script_error(
        catalog_of_scripts(&dev_url().await, &scripts, &IntrospectOptions::default()).await,
    );
    assert_eq!(error.to_string(), "two.sql: relation \"t\" already exists");
    let ScratchError::Script(details) = error else {
        unreachable!()
    };
    assert_eq!((details.line, details.column), (None, None));
    assert_eq!(details.code.as_deref(), Some("42P07"));
    assert_no_leftovers().await;
}

#[tokio::test]
async fn a_script_that_leaves_a_transaction_open_is_refused() {
    let _turn = SERIAL.lock().await;
    let scripts = [
        Script::new("open.sql", "BEGIN; CREATE TABLE t (a int);"),
        Script::new("next.sql", "CREATE TABLE u (a int);"),
    ];
    let error = script_error(
        catalog_of_scripts(&dev_url().await, &scripts, &IntrospectOptions::default()).await,
    );
    assert_eq!(
        error.to_string(),
        "open.sql: the script leaves a transaction open (BEGIN without COMMIT)"
    );
    assert_no_leftovers().await;
}

#[tokio::test]
async fn an_interrupt_drops_the_database_and_reports_it() {
    let _turn = SERIAL.lock().await;
    let scripts = [
        Script::new("a.sql", "CREATE TABLE t (a int);"),
        Script::new("slow.sql", "SELECT pg_catalog.pg_sleep(60);"),
    ];
    let started = Instant::now();
    let result = catalog_of_scripts_until(
        &dev_url().await,
        &scripts,
        &IntrospectOptions::default(),
        tokio::time::sleep(Duration::from_millis(700)),
    )
    .await;
    assert!(
        matches!(result, Err(ScratchError::Interrupted)),
        "{result:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_no_leftovers().await;
}

#[tokio::test]
async fn ctrl_c_drops_the_database_and_reports_it() {
    let _turn = SERIAL.lock().await;
    let scripts = [Script::new("slow.sql", "SELECT pg_catalog.pg_sleep(60);")];
    // A handler of the test's own, so that a SIGINT can never end the test process.
    let _keep = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .expect("a SIGINT handler");
    // SIGINT to this process only, once the scratch database exists: by then the load is
    // listening for Ctrl-C, and its script sleeps for a minute.
    let pid = std::process::id().to_string();
    let signal = tokio::spawn(async move {
        let deadline = Instant::now() + Duration::from_secs(20);
        while leftovers().await.is_empty() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        tokio::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .await
    });
    let started = Instant::now();
    let result =
        catalog_of_scripts(&dev_url().await, &scripts, &IntrospectOptions::default()).await;
    let status = signal.await.expect("joins").expect("kill runs");
    assert!(status.success());
    assert!(
        matches!(result, Err(ScratchError::Interrupted)),
        "{result:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_no_leftovers().await;
}

#[tokio::test]
async fn dropping_the_future_midway_still_drops_the_database() {
    let _turn = SERIAL.lock().await;
    let scripts = [Script::new("slow.sql", "SELECT pg_catalog.pg_sleep(60);")];
    let dev = dev_url().await;
    let cut = tokio::time::timeout(
        Duration::from_millis(1500),
        catalog_of_scripts(&dev, &scripts, &IntrospectOptions::default()),
    )
    .await;
    assert!(cut.is_err(), "the load should still be running");
    // The cleanup runs on a task of this runtime.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !leftovers().await.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_no_leftovers().await;
}

#[tokio::test]
async fn a_user_without_createdb_is_told_so() {
    let _turn = SERIAL.lock().await;
    let role = "retort_scratch_test_nocreatedb";
    let db = TestDb::new().await;
    db.execute(&format!(
        "DO $$ BEGIN CREATE ROLE {role} LOGIN NOCREATEDB; \
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;"
    ))
    .await;
    let mut admin = url::Url::parse(&Server::shared().await.admin_url()).expect("URL");
    admin.set_username(role).expect("URL has a user");
    let dev: DatabaseUrl = admin.as_str().parse().expect("parses");
    let error = script_error(
        catalog_of_scripts(
            &dev,
            &[Script::new("a.sql", "CREATE TABLE t (a int);")],
            &IntrospectOptions::default(),
        )
        .await,
    );
    let ScratchError::CreateDatabase { ref code, .. } = error else {
        panic!("expected CreateDatabase, got {error:?}");
    };
    assert_eq!(code.as_deref(), Some("42501"));
    let text = error.to_string();
    assert!(
        text.starts_with("could not create scratch database retort_scratch_"),
        "{text}"
    );
    assert!(
        text.ends_with(&format!(
            "(the user {role} needs the CREATEDB privilege on the development server)"
        )),
        "{text}"
    );
    assert_no_leftovers().await;
}

#[tokio::test]
async fn every_fixture_gives_the_catalog_of_a_database_loaded_with_it() {
    let _turn = SERIAL.lock().await;
    let version = Server::shared().await.server_version_num();
    let dev = dev_url().await;
    for fixture in retort_testkit::fixtures::supported_catalog_fixtures(version) {
        let db = TestDb::new().await;
        // Policies in the fixtures name this role; roles are cluster-wide.
        db.create_role_if_missing("retort_app").await;
        db.execute(&fixture.sql).await;
        let expected = read(&db, &IntrospectOptions::default()).await;

        let scripts = [Script::new(
            format!("fixtures/catalog/{}.sql", fixture.name),
            fixture.sql.clone(),
        )];
        let exact = catalog_of_scripts(&dev, &scripts, &IntrospectOptions::default())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", fixture.name));
        if let Some(diff) = catalog_diff(&expected.catalog, &exact.catalog) {
            panic!("{}: the scratch catalog differs\n{diff}", fixture.name);
        }
        assert_eq!(exact.unsupported, expected.unsupported, "{}", fixture.name);
        assert_no_leftovers().await;
    }
}
