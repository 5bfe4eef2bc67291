//! TestDb against the shared server.

use std::sync::{Arc, mpsc};

use retort_testkit::{Server, TestDb};

async fn database_exists(name: &str) -> bool {
    let server = Server::shared().await;
    let (client, connection) = tokio_postgres::connect(&server.admin_url(), tokio_postgres::NoTls)
        .await
        .expect("admin connection");
    tokio::spawn(connection);
    let row = client
        .query_one(
            "SELECT count(*) FROM pg_catalog.pg_database WHERE datname = $1",
            &[&name],
        )
        .await
        .expect("pg_database");
    row.get::<_, i64>(0) == 1
}

#[tokio::test]
async fn two_test_dbs_are_distinct_and_both_usable() {
    let a = TestDb::new().await;
    let b = TestDb::new().await;
    assert_ne!(a.name(), b.name());
    assert_ne!(a.url(), b.url());

    a.execute("CREATE TABLE only_in_a (id int PRIMARY KEY); INSERT INTO only_in_a VALUES (1);")
        .await;
    b.execute("CREATE TABLE only_in_b (id int)").await;

    let ca = a.client().await;
    let cb = b.client().await;
    let db_a: String = ca
        .query_one("SELECT current_database()", &[])
        .await
        .expect("query a")
        .get(0);
    let db_b: String = cb
        .query_one("SELECT current_database()", &[])
        .await
        .expect("query b")
        .get(0);
    assert_eq!(db_a, a.name());
    assert_eq!(db_b, b.name());

    let tables = |client: tokio_postgres::Client| async move {
        client
            .query(
                "SELECT tablename::text FROM pg_catalog.pg_tables WHERE schemaname = 'public' \
                 ORDER BY 1",
                &[],
            )
            .await
            .expect("pg_tables")
            .iter()
            .map(|row| row.get::<_, String>(0))
            .collect::<Vec<_>>()
    };
    assert_eq!(tables(ca).await, ["only_in_a"]);
    assert_eq!(tables(cb).await, ["only_in_b"]);
}

#[tokio::test]
async fn databases_use_utf8_and_the_c_locale() {
    let db = TestDb::new().await;
    let client = db.client().await;
    let row = client
        .query_one(
            "SELECT pg_encoding_to_char(encoding)::text, datcollate::text, datctype::text \
             FROM pg_catalog.pg_database WHERE datname = current_database()",
            &[],
        )
        .await
        .expect("pg_database");
    let got: (String, String, String) = (row.get(0), row.get(1), row.get(2));
    assert_eq!(got, ("UTF8".into(), "C".into(), "C".into()));
}

#[tokio::test]
async fn database_is_gone_after_drop_even_with_open_connections() {
    let db = TestDb::new().await;
    let name = db.name().to_owned();
    assert!(database_exists(&name).await);
    // An open session would make a plain DROP DATABASE fail; WITH (FORCE) ends it.
    let client = db.client().await;
    client.simple_query("SELECT 1").await.expect("select");
    drop(db);
    assert!(!database_exists(&name).await);
    assert!(client.simple_query("SELECT 1").await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drop_works_inside_a_multi_thread_runtime() {
    let db = TestDb::new().await;
    let name = db.name().to_owned();
    drop(db);
    assert!(!database_exists(&name).await);
}

#[tokio::test]
async fn database_is_dropped_during_a_panic_unwind() {
    let (tx, rx) = mpsc::channel();
    let outcome = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let db = TestDb::new().await;
            tx.send(db.name().to_owned()).expect("send");
            panic!("deliberate panic while {} is alive", db.name());
        })
    })
    .join();
    assert!(outcome.is_err(), "the thread should have panicked");
    let name = rx.recv().expect("name");
    assert!(!database_exists(&name).await);
}

#[tokio::test]
async fn try_execute_reports_postgres_message_line_and_caret() {
    let db = TestDb::new().await;
    let err = db
        .try_execute("CREATE TABLE t (id int);\nSELEC * FROM t;\nSELECT 1;")
        .await
        .expect_err("syntax error");
    assert!(
        err.contains(r#"syntax error at or near "SELEC""#),
        "message missing: {err}"
    );
    assert!(err.contains("SQLSTATE 42601"), "code missing: {err}");
    assert!(
        err.contains("LINE 2: SELEC * FROM t;\n        ^"),
        "line missing: {err}"
    );

    let err = db
        .try_execute("CREATE TABLE u (id int REFERENCES missing_table)")
        .await
        .expect_err("missing table");
    assert!(
        err.contains(r#"relation "missing_table" does not exist"#),
        "{err}"
    );

    // A script runs as one implicit transaction: the CREATE TABLE before the error is undone.
    let err = db
        .try_execute("SELECT count(*) FROM t")
        .await
        .expect_err("t was rolled back");
    assert!(err.contains(r#"relation "t" does not exist"#), "{err}");
}

#[tokio::test]
async fn try_execute_reports_detail_and_hint() {
    let db = TestDb::new().await;
    let err = db
        .try_execute(
            "CREATE TABLE p (id int PRIMARY KEY);\n\
             INSERT INTO p VALUES (1);\n\
             INSERT INTO p VALUES (1);",
        )
        .await
        .expect_err("duplicate key");
    assert!(
        err.contains("duplicate key value violates unique constraint \"p_pkey\""),
        "{err}"
    );
    assert!(
        err.contains("DETAIL: Key (id)=(1) already exists."),
        "{err}"
    );
}

#[tokio::test]
#[should_panic(expected = r#"relation "no_such_table" does not exist"#)]
async fn execute_panics_with_postgres_message() {
    let db = TestDb::new().await;
    db.execute("SELECT * FROM no_such_table").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_role_if_missing_is_idempotent_and_race_free() {
    let db = Arc::new(TestDb::new().await);
    let client = db.client().await;
    // Several rounds of many concurrent calls, so that some calls pass the existence check
    // before another's CREATE ROLE commits. Each call uses a connection of its own.
    for round in 0..4 {
        // A name that needs quoting, unique to this run: roles are server-wide.
        let role = format!("Retort \"Role\" {round} {}", db.name());
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let db = Arc::clone(&db);
                let role = role.clone();
                tokio::spawn(async move { db.create_role_if_missing(&role).await })
            })
            .collect();
        let mut failures = Vec::new();
        for task in tasks {
            if let Err(e) = task.await {
                failures.push(e.to_string());
            }
        }
        // Once more, now that it exists.
        db.create_role_if_missing(&role).await;

        let count: i64 = client
            .query_one(
                "SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname = $1",
                &[&role],
            )
            .await
            .expect("pg_roles")
            .get(0);
        let drop_role: String = client
            .query_one("SELECT format('DROP ROLE %I', $1::text)", &[&role])
            .await
            .expect("format")
            .get(0);
        client.batch_execute(&drop_role).await.expect("drop role");
        assert!(failures.is_empty(), "round {round}: {failures:?}");
        assert_eq!(count, 1);
    }
}

#[tokio::test]
async fn url_points_at_the_database_on_the_shared_server() {
    let db = TestDb::new().await;
    let server = Server::shared().await;
    assert_eq!(db.url(), server.url_for(db.name()));
    assert!(
        db.url().ends_with(&format!("/{}", db.name())),
        "{}",
        db.url()
    );
    assert!(server.server_version_num() >= 100000);
    let (client, connection) = tokio_postgres::connect(&db.url(), tokio_postgres::NoTls)
        .await
        .expect("connect by url");
    tokio::spawn(connection);
    let version: String = client
        .query_one("SHOW server_version_num", &[])
        .await
        .expect("version")
        .get(0);
    assert_eq!(version, server.server_version_num().to_string());
}
