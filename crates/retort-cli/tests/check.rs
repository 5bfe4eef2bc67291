//! `retort check` end to end: each kind of drift is reported with exit code 1, a clean state
//! exits 0, an error exits 2, and the human and JSON reports are kept as snapshots.
//!
//! Each test works in an empty temporary project with its own database; `DATABASE_URL` and
//! `RETORT_DEV_URL` are removed from the environment and `SOURCE_DATE_EPOCH` fixes the clock,
//! so revision ids and file names are the same on every run.

use std::path::Path;
use std::process::Command;

use retort_testkit::TestDb;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn retort(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_retort"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("RETORT_DEV_URL")
        .env_remove("NO_COLOR")
        .env("SOURCE_DATE_EPOCH", "1795000000");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("the retort binary runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

#[track_caller]
fn ok(run: &Run) -> &str {
    assert_eq!(
        run.code,
        Some(0),
        "stdout: {}\nstderr: {}",
        run.stdout,
        run.stderr
    );
    &run.stdout
}

/// A drift report: exit 1, the report on stdout, nothing on stderr.
#[track_caller]
fn drift(run: &Run) -> &str {
    assert_eq!(
        run.code,
        Some(1),
        "stdout: {}\nstderr: {}",
        run.stdout,
        run.stderr
    );
    assert_eq!(run.stderr, "", "drift is not an error");
    &run.stdout
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

const SCHEMA: &str = "\
CREATE TYPE mood AS ENUM ('calm', 'busy');

CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email varchar(100) NOT NULL,
    mood mood NOT NULL DEFAULT 'calm'
);

CREATE INDEX users_email ON users (email);

CREATE FUNCTION greeting(who text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN 'hello ' || who;
END
$$;
";

/// A project with one revision of [`SCHEMA`], applied to a fresh database.
async fn applied_project() -> (tempfile::TempDir, TestDb) {
    let project = tempfile::tempdir().expect("temporary directory");
    let dir = project.path();
    ok(&retort(dir, &["init"], &[]));
    write(dir, "schema/app.sql", SCHEMA);
    ok(&retort(dir, &["revision", "-m", "first"], &[]));
    let db = TestDb::new().await;
    ok(&retort(dir, &["upgrade"], &[("DATABASE_URL", &db.url())]));
    (project, db)
}

#[tokio::test]
async fn a_database_changed_by_hand_is_reported_by_kind() {
    let (project, db) = applied_project().await;
    let dir = project.path();
    let env = [("DATABASE_URL", db.url())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();

    // Clean, three ways.
    let out = ok(&retort(dir, &["check"], &env)).to_owned();
    assert!(
        out.starts_with("No drift: the migration history (head "),
        "{out}"
    );
    let out = ok(&retort(dir, &["check", "--database"], &env)).to_owned();
    assert_eq!(
        out,
        format!("No drift: database {} matches schema.\n", db.name())
    );
    ok(&retort(dir, &["check", "--database", "--history"], &env));

    // A column changed by hand.
    db.execute("ALTER TABLE users ALTER COLUMN email TYPE varchar(255)")
        .await;
    let out = drift(&retort(dir, &["check", "--database"], &env)).to_owned();
    assert!(
        out.contains(
            "~ column public.users.email: type character varying(255) -> character varying(100)\n"
        ),
        "{out}"
    );
    // A dropped index, an edited function body, an added enum value.
    db.execute(
        "DROP INDEX users_email;\n\
         CREATE OR REPLACE FUNCTION greeting(who text) RETURNS text LANGUAGE plpgsql AS $$\n\
         BEGIN\n    RETURN 'hi ' || who;\nEND\n$$;\n\
         ALTER TYPE mood ADD VALUE 'gone';",
    )
    .await;
    let human = drift(&retort(dir, &["check", "--database", "--history"], &env)).to_owned();
    for line in [
        "+ index public.users_email\n",
        "~ function public.greeting(who text): body changed\n",
        "-    RETURN 'hi ' || who;\n",
        "+    RETURN 'hello ' || who;\n",
        "~ enum public.mood: labels",
        "To fix it, apply:\n",
    ] {
        assert!(human.contains(line), "{line:?} missing in\n{human}");
    }
    let name = db.name().to_owned();
    insta::assert_snapshot!("hand_edits_human", human.replace(&name, "[db]"));
    let json = drift(&retort(
        dir,
        &["check", "--database", "--history", "--format", "json"],
        &env,
    ))
    .to_owned();
    let value: serde_json::Value = serde_json::from_str(&json).expect("the report is JSON");
    assert_eq!(value["counts"]["total"], 4, "{json}");
    insta::assert_snapshot!("hand_edits_json", json.replace(&name, "[db]"));
    let github = drift(&retort(
        dir,
        &["check", "--database", "--format", "github"],
        &env,
    ))
    .to_owned();
    assert_eq!(
        github.lines().filter(|l| l.starts_with("::error ")).count(),
        4,
        "{github}"
    );
    assert!(
        github.ends_with("::notice title=Schema drift::4 differences: 1 missing, 3 changed\n"),
        "{github}"
    );

    // Colors only when asked (stdout is not a terminal here).
    assert!(!human.contains('\u{1b}'));
    let colored = drift(&retort(
        dir,
        &["check", "--database", "--color", "always"],
        &env,
    ))
    .to_owned();
    assert!(colored.contains("\u{1b}[33m~ column"), "{colored}");

    // The printed fix brings the database back: clean again.
    let fix = value["fix_sql"].as_str().expect("fix_sql").to_owned();
    db.execute(&fix).await;
    ok(&retort(dir, &["check", "--database", "--history"], &env));
}

#[tokio::test]
async fn unapplied_revisions_and_unrevised_schema_edits() {
    let (project, db) = applied_project().await;
    let dir = project.path();
    let env = [("DATABASE_URL", db.url())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();

    // A schema edit without a revision: the history check (no database) fails.
    write(dir, "schema/extra.sql", "CREATE TABLE extra (id int);\n");
    let out = drift(&retort(dir, &["check"], &[])).to_owned();
    assert!(out.contains("+ table public.extra\n"), "{out}");
    assert!(out.contains("1 difference: 1 missing\n"), "{out}");
    // The database lacks it too.
    let out = drift(&retort(dir, &["check", "--database"], &env)).to_owned();
    assert!(out.contains("+ table public.extra\n"), "{out}");

    // Written as a revision: the history matches the schema, the database does not have it.
    let wrote = ok(&retort(dir, &["revision", "-m", "extra"], &[])).to_owned();
    ok(&retort(dir, &["check"], &[]));
    let out = drift(&retort(dir, &["check", "--database", "--history"], &env)).to_owned();
    let file = wrote
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("wrote "))
        .expect("the new file");
    assert!(out.contains("is not applied"), "{out}");
    assert!(out.contains(file), "{out}");
    assert!(out.contains("+ table public.extra\n"), "{out}");
    let json = drift(&retort(
        dir,
        &["check", "--database", "--history", "--format", "json"],
        &env,
    ))
    .to_owned();
    let value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(value["revisions"][0]["kind"], "not_applied", "{json}");
    assert_eq!(value["counts"]["revisions"], 1, "{json}");

    ok(&retort(dir, &["upgrade"], &env));
    ok(&retort(dir, &["check", "--database", "--history"], &env));
}

#[tokio::test]
async fn errors_exit_2_and_ignored_objects_are_not_drift() {
    let (project, db) = applied_project().await;
    let dir = project.path();
    let env = [("DATABASE_URL", db.url())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();

    let run = retort(
        dir,
        &[
            "check",
            "--database-url",
            "postgres://nobody@127.0.0.1:9/nothing",
        ],
        &[],
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let run = retort(dir, &["check", "--history"], &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);

    // A table another tool manages: drift until the project ignores it.
    db.execute(
        "CREATE TABLE spatial_ref_sys (srid int PRIMARY KEY); CREATE TABLE audit_2026 (id int);",
    )
    .await;
    let out = drift(&retort(dir, &["check", "--database"], &env)).to_owned();
    assert!(out.contains("- table public.spatial_ref_sys\n"), "{out}");
    let config = std::fs::read_to_string(dir.join("retort.toml")).expect("retort.toml");
    let config = config.replace(
        "[ignore]\n",
        "[ignore]\nnames = [\"public.spatial_ref_sys\", \"table public.audit_*\"]\n",
    );
    let config = config.replacen("names = []\n", "", 1);
    std::fs::write(dir.join("retort.toml"), config).expect("write");
    ok(&retort(dir, &["check", "--database"], &env));
    // revision honours them too: nothing to write, nothing dropped.
    let run = retort(dir, &["revision", "-m", "x", "--from-database"], &env);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("no changes"), "{}", run.stderr);

    // A mistake in retort.toml is an error at its line.
    std::fs::write(dir.join("retort.toml"), "migration = \"m\"\n").expect("write");
    let run = retort(dir, &["check"], &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("unknown field `migration`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("retort.toml:1:1"), "{}", run.stderr);
}
