//! The migration runner against a real PostgreSQL server, each test in its own database: up and
//! down, atomic failures located in their file, resuming an interrupted multi-segment revision,
//! a connection killed mid-revision, and two runners racing for the same history.

use std::time::{Duration, Instant};

use retort_migrate::runner::{
    Applied, Direction, RunError, Runner, State, VersionTable, read_applied,
};
use retort_migrate::{Revision, Script};
use retort_testkit::TestDb;
use tokio_postgres::Client;

/// A revision of `migrations/<id>.sql` whose up section starts at line 10 and down at line 40.
fn revision(id: &str, up: &str, down: &str) -> Revision {
    Revision {
        id: id.to_owned(),
        parents: Vec::new(),
        message: format!("revision {id}"),
        created: "2026-12-01 22:10:00 UTC".to_owned(),
        file: format!("migrations/{id}.sql"),
        checksum: format!("sha256:{id}"),
        up: Script::parse(up, 10).expect("up parses"),
        down: Script::parse(down, 40).expect("down parses"),
        text: String::new(),
        up_line: 9,
        down_line: 39,
    }
}

fn table() -> VersionTable {
    VersionTable::default()
}

/// (revision, state, segments done, segments total) of every row, in apply order.
async fn rows(client: &Client, table: &VersionTable) -> Vec<(String, State, usize, usize)> {
    let runner_free = read_applied(client, table)
        .await
        .expect("the version table reads")
        .unwrap_or_default();
    runner_free
        .into_iter()
        .map(|a: Applied| (a.revision, a.state, a.segments_done, a.segments_total))
        .collect()
}

async fn exists(client: &Client, relation: &str) -> bool {
    client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&relation])
        .await
        .expect("to_regclass")
        .get(0)
}

async fn count(client: &Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).await.expect(sql).get(0)
}

/// Whether the session is inside a transaction block: there, `now()` is the block's start,
/// not the statement's (sent with the simple protocol, one statement, its own transaction).
async fn in_transaction(client: &Client) -> bool {
    let messages = client
        .simple_query("SELECT now() = statement_timestamp()")
        .await
        .expect("the session is usable");
    let alone = messages.iter().find_map(|m| match m {
        tokio_postgres::SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
        _ => None,
    });
    alone.as_deref() != Some("t")
}

async fn lock(client: &Client) -> Runner<'_> {
    Runner::lock(client, table(), || {}).await.expect("locks")
}

#[tokio::test]
async fn up_then_down_of_two_revisions() {
    let db = TestDb::new().await;
    let client = db.client().await;
    let first = revision(
        "r1",
        "CREATE TABLE users (id int PRIMARY KEY);\nCREATE INDEX users_id ON users (id);\n",
        "DROP TABLE users;\n",
    );
    let second = revision(
        "r2",
        "BEGIN;\nCREATE TABLE posts (id int, user_id int REFERENCES users);\nCOMMIT;\n",
        "BEGIN;\nDROP TABLE posts;\nCOMMIT;\n",
    );

    // Reading creates nothing.
    assert_eq!(read_applied(&client, &table()).await.expect("reads"), None);
    let runner = lock(&client).await;
    assert_eq!(runner.applied().await.expect("reads"), Vec::new());
    assert!(!exists(&client, "public.retort_version").await);

    runner.apply(&first, Direction::Up).await.expect("r1 up");
    runner.apply(&second, Direction::Up).await.expect("r2 up");
    let applied = runner.applied().await.expect("reads");
    assert_eq!(
        applied
            .iter()
            .map(|a| (a.revision.as_str(), a.checksum.as_str(), a.state))
            .collect::<Vec<_>>(),
        vec![
            ("r1", "sha256:r1", State::Applied),
            ("r2", "sha256:r2", State::Applied)
        ]
    );
    assert!(applied[0].applied_at.ends_with(" UTC"), "{applied:?}");
    assert_eq!(
        (applied[1].segments_done, applied[1].segments_total),
        (1, 1)
    );
    for relation in ["public.users", "public.users_id", "public.posts"] {
        assert!(exists(&client, relation).await, "{relation} missing");
    }

    // Applying twice, or undoing what is not applied, is refused by name and file.
    let again = runner.apply(&first, Direction::Up).await;
    assert!(
        matches!(&again, Err(RunError::AlreadyApplied { .. })),
        "{again:?}"
    );
    assert_eq!(
        again.map_err(|e| e.to_string()),
        Err("revision r1 (migrations/r1.sql) is already applied".to_owned())
    );

    runner
        .apply(&second, Direction::Down)
        .await
        .expect("r2 down");
    assert_eq!(
        rows(&client, &table()).await,
        vec![("r1".to_owned(), State::Applied, 1, 1)]
    );
    assert!(!exists(&client, "public.posts").await);
    assert!(exists(&client, "public.users").await);
    runner
        .apply(&first, Direction::Down)
        .await
        .expect("r1 down");
    assert_eq!(rows(&client, &table()).await, Vec::new());
    assert!(!exists(&client, "public.users").await);

    let not = runner.apply(&first, Direction::Down).await;
    assert_eq!(
        not.map_err(|e| e.to_string()),
        Err("revision r1 (migrations/r1.sql) is not applied".to_owned())
    );

    // Stamping writes the row and runs nothing; unstamping deletes it.
    runner.stamp(&first).await.expect("stamps");
    assert!(!exists(&client, "public.users").await);
    assert_eq!(
        rows(&client, &table()).await,
        vec![("r1".to_owned(), State::Applied, 1, 1)]
    );
    assert!(matches!(
        runner.stamp(&first).await,
        Err(RunError::AlreadyApplied { .. })
    ));
    runner.unstamp("r1").await.expect("unstamps");
    assert_eq!(rows(&client, &table()).await, Vec::new());
    assert_eq!(
        runner.unstamp("r1").await.map_err(|e| e.to_string()),
        Err("revision r1 is not applied".to_owned())
    );
    runner.unlock().await.expect("unlocks");
}

#[tokio::test]
async fn empty_sections_and_a_quoted_table_in_its_own_schema() {
    let db = TestDb::new().await;
    let client = db.client().await;
    let table = VersionTable::new("Ops", "Odd\"Name");
    let runner = Runner::lock(&client, table.clone(), || {})
        .await
        .expect("locks");
    let empty = revision("e1", "-- nothing\n", "");
    runner.apply(&empty, Direction::Up).await.expect("up");
    assert_eq!(
        rows(&client, &table).await,
        vec![("e1".to_owned(), State::Applied, 0, 0)]
    );
    assert!(exists(&client, "\"Ops\".\"Odd\"\"Name\"").await);
    runner.apply(&empty, Direction::Down).await.expect("down");
    assert_eq!(rows(&client, &table).await, Vec::new());
    runner.unlock().await.expect("unlocks");
}

#[tokio::test]
async fn a_failing_statement_leaves_nothing_and_names_its_place() {
    let db = TestDb::new().await;
    let client = db.client().await;
    let runner = lock(&client).await;
    let ok = revision("r1", "CREATE TABLE kept (id int);\n", "DROP TABLE kept;\n");
    runner.apply(&ok, Direction::Up).await.expect("r1 up");

    // Up starts at line 10 of the file: the failing statement at line 12, `nope` at 13:18.
    let failing = revision(
        "r2",
        "CREATE TABLE gone (id int);\n\
         INSERT INTO gone VALUES (1);\n\
         INSERT INTO gone\n  SELECT id FROM nope;\n\
         CREATE TABLE never (id int);\n",
        "",
    );
    let err = runner
        .apply(&failing, Direction::Up)
        .await
        .expect_err("fails");
    let RunError::Statement(statement) = &err else {
        panic!("not a statement error: {err:?}");
    };
    assert_eq!(statement.file, "migrations/r2.sql");
    assert_eq!(statement.revision, "r2");
    assert_eq!(statement.statement_line, 12);
    assert_eq!(statement.statement, "INSERT INTO gone");
    assert_eq!((statement.line, statement.column), (Some(13), Some(18)));
    assert_eq!(statement.message, "relation \"nope\" does not exist");
    assert_eq!(statement.code.as_deref(), Some("42P01"));
    let text = err.to_string();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("migrations/r2.sql:13:18: relation \"nope\" does not exist")
    );
    assert_eq!(lines.next(), Some("statement at line 12: INSERT INTO gone"));
    assert_eq!(lines.next(), Some("  SELECT id FROM nope"));
    assert_eq!(lines.next(), Some("                 ^"));
    assert!(text.contains("\nSQLSTATE: 42P01"), "{text}");
    assert!(text.contains("rolled back"), "{text}");

    for gone in ["public.gone", "public.never"] {
        assert!(!exists(&client, gone).await, "{gone} exists");
    }
    assert!(exists(&client, "public.kept").await);
    assert_eq!(
        rows(&client, &table()).await,
        vec![("r1".to_owned(), State::Applied, 1, 1)]
    );
    // No transaction was left open: in one, now() would be its start, not this statement's.
    assert!(
        !in_transaction(&client).await,
        "a transaction was left open"
    );
    client.batch_execute("BEGIN").await.expect("begins");
    assert!(
        in_transaction(&client).await,
        "the check sees a transaction"
    );
    client.batch_execute("ROLLBACK").await.expect("rolls back");
    runner.unlock().await.expect("unlocks");
}

#[tokio::test]
async fn an_interrupted_multi_segment_revision_resumes_where_it_stopped() {
    let db = TestDb::new().await;
    db.execute("CREATE TABLE log (what text)").await;
    let client = db.client().await;
    let runner = lock(&client).await;
    let multi = revision(
        "m1",
        "BEGIN;\n\
         INSERT INTO log VALUES ('segment 1');\n\
         CREATE TABLE t (a int);\n\
         COMMIT;\n\
         CREATE INDEX CONCURRENTLY t_a ON t (a);\n\
         BEGIN;\n\
         SET LOCAL lock_timeout = '5s';\n\
         INSERT INTO t SELECT a FROM seed;\n\
         COMMIT;\n",
        "DROP TABLE t;\n",
    );
    assert_eq!(
        multi
            .up
            .segments
            .iter()
            .map(|s| s.transactional)
            .collect::<Vec<_>>(),
        vec![true, false, true]
    );

    let err = runner
        .apply(&multi, Direction::Up)
        .await
        .expect_err("the third segment fails");
    let RunError::Statement(statement) = &err else {
        panic!("not a statement error: {err:?}");
    };
    assert_eq!(statement.statement_line, 17);
    assert_eq!(statement.message, "relation \"seed\" does not exist");
    assert_eq!(
        rows(&client, &table()).await,
        vec![("m1".to_owned(), State::Upgrading, 2, 3)]
    );
    assert!(exists(&client, "public.t_a").await);
    assert!(
        !in_transaction(&client).await,
        "a transaction was left open"
    );

    // Down of a half-applied revision is refused; so is resuming from a changed file.
    let down = runner.apply(&multi, Direction::Down).await;
    assert!(matches!(&down, Err(RunError::Partial { .. })), "{down:?}");
    let mut changed = multi.clone();
    changed.checksum = "sha256:other".to_owned();
    let mismatch = runner.apply(&changed, Direction::Up).await;
    assert!(
        matches!(&mismatch, Err(RunError::ChecksumMismatch { .. })),
        "{mismatch:?}"
    );

    // Fixed by hand; the same revision resumes at segment 3.
    db.execute("CREATE TABLE seed (a int); INSERT INTO seed VALUES (1), (2)")
        .await;
    runner
        .apply(&multi, Direction::Up)
        .await
        .expect("resumes and finishes");
    assert_eq!(
        rows(&client, &table()).await,
        vec![("m1".to_owned(), State::Applied, 3, 3)]
    );
    assert_eq!(count(&client, "SELECT count(*) FROM log").await, 1);
    assert_eq!(count(&client, "SELECT count(*) FROM t").await, 2);
    runner.unlock().await.expect("unlocks");
}

#[tokio::test]
async fn a_killed_connection_rolls_the_revision_back_and_a_new_one_applies_it() {
    let db = TestDb::new().await;
    let victim = db.client().await;
    let watcher = db.client().await;
    // Only the first connection sleeps: the same revision runs quickly on the next one.
    victim
        .batch_execute("SET retort_test.sleep = '30'")
        .await
        .expect("sets");
    let pid: i32 = victim
        .query_one("SELECT pg_backend_pid()", &[])
        .await
        .expect("pid")
        .get(0);
    let sleepy = revision(
        "k1",
        "CREATE TABLE before_sleep (id int);\n\
         SELECT pg_sleep(coalesce(current_setting('retort_test.sleep', true), '0')::float8);\n\
         CREATE TABLE after_sleep (id int);\n",
        "",
    );
    let runner = lock(&victim).await;
    let kill = async {
        let deadline = Instant::now() + Duration::from_secs(8);
        loop {
            let sleeping = count(
                &watcher,
                &format!(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = {pid} AND wait_event = 'PgSleep'"
                ),
            )
            .await;
            if sleeping == 1 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the runner never reached pg_sleep"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let killed: bool = watcher
            .query_one("SELECT pg_terminate_backend($1)", &[&pid])
            .await
            .expect("terminates")
            .get(0);
        assert!(killed);
    };
    let (result, ()) = tokio::time::timeout(Duration::from_secs(10), async {
        tokio::join!(runner.apply(&sleepy, Direction::Up), kill)
    })
    .await
    .expect("the revision ends within 10 s");
    let err = result.expect_err("the connection was killed");
    assert!(
        matches!(
            &err,
            RunError::ConnectionLost {
                segment: 1,
                segments: 1,
                transactional: true,
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("rolled back"), "{text}");
    assert!(text.contains("`retort upgrade` again"), "{text}");

    for relation in ["public.before_sleep", "public.after_sleep"] {
        assert!(!exists(&watcher, relation).await, "{relation} exists");
    }
    assert_eq!(rows(&watcher, &table()).await, Vec::new());

    let fresh = db.client().await;
    let runner = lock(&fresh).await;
    runner
        .apply(&sleepy, Direction::Up)
        .await
        .expect("applies on a new connection");
    runner.unlock().await.expect("unlocks");
    assert!(exists(&fresh, "public.after_sleep").await);
    assert_eq!(
        rows(&fresh, &table()).await,
        vec![("k1".to_owned(), State::Applied, 1, 1)]
    );
}

/// Lock, read what is applied, apply the rest, unlock: what `retort upgrade` does.
async fn upgrade(client: &Client, history: &[Revision]) -> Result<usize, RunError> {
    let runner = Runner::lock(client, table(), || {}).await?;
    let applied: Vec<String> = runner
        .applied()
        .await?
        .into_iter()
        .map(|a| a.revision)
        .collect();
    let mut ran = 0;
    for revision in history {
        if !applied.contains(&revision.id) {
            runner.apply(revision, Direction::Up).await?;
            ran += 1;
        }
    }
    runner.unlock().await?;
    Ok(ran)
}

#[tokio::test]
async fn two_runners_racing_apply_each_revision_once() {
    let db = TestDb::new().await;
    db.execute("CREATE TABLE log (revision text)").await;
    let history: Vec<Revision> = (1..=5)
        .map(|n| {
            revision(
                &format!("r{n}"),
                &format!(
                    "INSERT INTO log VALUES ('r{n}');\nCREATE TABLE t{n} (id int);\nSELECT pg_sleep(0.05);\n"
                ),
                "",
            )
        })
        .collect();
    let a = db.client().await;
    let b = db.client().await;
    let (ran_a, ran_b) = tokio::time::timeout(Duration::from_secs(10), async {
        tokio::join!(upgrade(&a, &history), upgrade(&b, &history))
    })
    .await
    .expect("both finish within 10 s");
    let (ran_a, ran_b) = (ran_a.expect("a succeeds"), ran_b.expect("b succeeds"));
    assert_eq!(ran_a + ran_b, 5, "a ran {ran_a}, b ran {ran_b}");
    let counts: Vec<(String, i64)> = a
        .query(
            "SELECT revision, count(*) FROM log GROUP BY revision ORDER BY revision",
            &[],
        )
        .await
        .expect("log")
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    assert_eq!(
        counts,
        (1..=5).map(|n| (format!("r{n}"), 1)).collect::<Vec<_>>()
    );
    assert_eq!(
        rows(&a, &table())
            .await
            .into_iter()
            .map(|r| r.0)
            .collect::<Vec<_>>(),
        vec!["r1", "r2", "r3", "r4", "r5"]
    );
}

#[tokio::test]
async fn a_second_runner_waits_for_the_lock() {
    let db = TestDb::new().await;
    let a = db.client().await;
    let b = db.client().await;
    let first = lock(&a).await;
    let waited = std::sync::atomic::AtomicBool::new(false);
    let second = async {
        let runner = Runner::lock(&b, table(), || {
            waited.store(true, std::sync::atomic::Ordering::SeqCst)
        })
        .await
        .expect("locks once free");
        runner.unlock().await.expect("unlocks");
    };
    let release = async {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !waited.load(std::sync::atomic::Ordering::SeqCst) {
            assert!(Instant::now() < deadline, "the second runner never waited");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        first.unlock().await.expect("unlocks");
    };
    tokio::time::timeout(Duration::from_secs(8), async {
        tokio::join!(second, release)
    })
    .await
    .expect("the lock changes hands");
    assert!(waited.into_inner());
}

#[tokio::test]
async fn a_transaction_failing_at_commit_is_rolled_back() {
    let db = TestDb::new().await;
    let client = db.client().await;
    let runner = lock(&client).await;
    let deferred = revision(
        "d1",
        "CREATE TABLE parent (id int PRIMARY KEY);\n\
         CREATE TABLE child (p int REFERENCES parent DEFERRABLE INITIALLY DEFERRED);\n\
         INSERT INTO child VALUES (1);\n",
        "",
    );
    let err = runner
        .apply(&deferred, Direction::Up)
        .await
        .expect_err("the deferred check fails");
    let RunError::Commit(commit) = &err else {
        panic!("not a COMMIT error: {err:?}");
    };
    assert_eq!((commit.line, commit.last_line), (10, 12));
    assert_eq!(commit.code.as_deref(), Some("23503"));
    let text = err.to_string();
    assert!(
        text.starts_with("migrations/d1.sql:10: insert or update on table \"child\""),
        "{text}"
    );
    assert!(!exists(&client, "public.parent").await);
    assert_eq!(rows(&client, &table()).await, Vec::new());
    assert!(
        !in_transaction(&client).await,
        "a transaction was left open"
    );
    runner.unlock().await.expect("unlocks");
}
