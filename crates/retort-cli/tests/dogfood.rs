//! The repository's own project (`retort.toml`, `schema/`, `migrations/` at its root): the
//! migration history must still produce the declared schema, offline and exactly, and apply,
//! undo and apply again on a real database, which then checks clean against both.

use std::path::{Path, PathBuf};
use std::process::Command;

use retort_testkit::TestDb;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository root")
}

fn retort(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_retort"));
    command
        .args(args)
        .current_dir(root())
        .env_remove("DATABASE_URL")
        .env_remove("RETORT_DEV_URL");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("the retort binary runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[track_caller]
fn ok(args: &[&str], env: &[(&str, &str)]) -> String {
    let (code, stdout, stderr) = retort(args, env);
    assert_eq!(
        code,
        Some(0),
        "retort {args:?}\nstdout: {stdout}\nstderr: {stderr}"
    );
    stdout
}

#[test]
fn the_history_produces_the_schema_offline() {
    let out = ok(&["check"], &[]);
    assert!(
        out.starts_with("No drift: the migration history (head "),
        "{out}"
    );
    let history = ok(&["history"], &[]);
    assert!(
        history.lines().count() >= 3,
        "the example grows in steps: {history}"
    );
}

#[tokio::test]
async fn the_history_applies_undoes_and_applies_again() {
    let db = TestDb::new().await;
    let url = db.url();
    let env = [("DATABASE_URL", url.as_str())];
    let dev = db.server().url_for("postgres");
    // Exactly: the migrations replayed and the schema loaded in scratch databases.
    let out = ok(&["check", "--dev-url", &dev], &[]);
    assert!(out.starts_with("No drift"), "{out}");

    ok(&["upgrade", "head"], &env);
    ok(&["check", "--database", "--history"], &env);
    ok(&["check", "--database"], &env);

    ok(&["downgrade", "base"], &env);
    let client = db.client().await;
    let left = client
        .query_one(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = 'app'",
            &[],
        )
        .await
        .expect("count");
    assert_eq!(
        left.get::<_, i64>(0),
        0,
        "downgrade base leaves nothing of the schema"
    );
    assert_eq!(ok(&["current"], &env), "base (no revision applied)\n");

    ok(&["upgrade", "+1"], &env);
    let (code, out, _) = retort(&["check", "--database", "--history"], &env);
    assert_eq!(
        code,
        Some(1),
        "one revision applied of several is drift: {out}"
    );
    ok(&["upgrade"], &env);
    ok(&["check", "--database"], &env);
}
