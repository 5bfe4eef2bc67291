//! `retort diff` end to end: sources, output formats, hazards, exit codes.
//!
//! Every run gets an empty temporary working directory (schema files are written there) and no
//! `DATABASE_URL` or `RETORT_DEV_URL`, so the developer's environment cannot leak in.

use std::path::Path;
use std::process::Command;

use retort_testkit::TestDb;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Asserts a failure with exit code 2, nothing on stdout, and one `error:` line on stderr;
    /// returns that line.
    fn usage_error(&self) -> &str {
        assert_eq!(self.code, Some(2), "stderr: {}", self.stderr);
        assert_eq!(self.stdout, "", "a failure must not leave output");
        let line = self
            .stderr
            .strip_suffix('\n')
            .unwrap_or_else(|| panic!("stderr does not end with a newline: {:?}", self.stderr));
        assert!(!line.contains('\n'), "not one line: {:?}", self.stderr);
        assert!(line.starts_with("error: "), "{line}");
        line
    }

    fn success(&self) -> &str {
        assert_eq!(self.code, Some(0), "stderr: {}", self.stderr);
        &self.stdout
    }

    /// Asserts an empty diff: exit 0, nothing on stdout or stderr.
    fn no_change(&self) {
        assert_eq!(self.success(), "", "expected no change");
        assert_eq!(self.stderr, "");
    }
}

fn retort_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_retort"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("RETORT_DEV_URL");
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

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// A temporary directory holding `files` (relative path, contents).
fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

const USERS_SQL: &str = "CREATE TABLE users (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    email text NOT NULL UNIQUE,\n    status varchar(20) DEFAULT 'active' CHECK (status IN ('active', 'gone'))\n);\n";
const POSTS_SQL: &str = "CREATE TABLE posts (\n    id serial PRIMARY KEY,\n    user_id bigint REFERENCES users ON DELETE CASCADE,\n    body text\n);\nCREATE INDEX posts_user ON posts (user_id);\n";
/// `users` without its `status` column.
const USERS_WITHOUT_STATUS_SQL: &str = "CREATE TABLE users (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    email text NOT NULL UNIQUE\n);\n";

async fn db_with(sql: &str) -> TestDb {
    let db = TestDb::new().await;
    db.execute(sql).await;
    db
}

#[test]
fn identical_files_give_an_empty_diff() {
    let dir = dir_with(&[
        ("a/01_users.sql", USERS_SQL),
        ("a/02_posts.sql", POSTS_SQL),
        ("b/tables.sql", &format!("{POSTS_SQL}{USERS_SQL}")),
    ]);
    retort_in(dir.path(), &["diff", "--from", "a", "--to", "b"], &[]).no_change();
    retort_in(
        dir.path(),
        &["diff", "--from", "a", "--to", "b", "--format", "sql"],
        &[],
    )
    .no_change();
    retort_in(
        dir.path(),
        &["diff", "--from", "b", "--to", "a", "--down"],
        &[],
    )
    .no_change();
    // A single file is a source too.
    retort_in(
        dir.path(),
        &["diff", "--from", "b/tables.sql", "--to", "a"],
        &[],
    )
    .no_change();
}

#[test]
fn json_output_is_a_plan_even_when_empty() {
    let dir = dir_with(&[("a/users.sql", USERS_SQL), ("b/users.sql", USERS_SQL)]);
    let run = retort_in(
        dir.path(),
        &["diff", "--from", "a", "--to", "b", "--format", "json"],
        &[],
    );
    let out = run.success();
    assert_eq!(run.stderr, "");
    assert!(out.ends_with("}\n"), "{out:?}");
    let value = json(out);
    let segments = value["segments"].as_array().expect("a segments array");
    assert!(segments.is_empty(), "{out}");
}

#[tokio::test]
async fn a_database_and_the_files_it_was_built_from_give_an_empty_diff() {
    let db = db_with(&format!("{USERS_SQL}{POSTS_SQL}")).await;
    let url = db.url();
    let dir = dir_with(&[
        ("schema/tables/01_users.sql", USERS_SQL),
        ("schema/tables/02_posts.sql", POSTS_SQL),
    ]);
    // Offline.
    retort_in(dir.path(), &["diff", "--from", &url, "--to", "schema"], &[]).no_change();
    retort_in(dir.path(), &["diff", "--from", "schema", "--to", &url], &[]).no_change();
    retort_in(
        dir.path(),
        &["diff", "--from", &url, "--to", "schema", "--down"],
        &[],
    )
    .no_change();
    // Database against itself.
    retort_in(dir.path(), &["diff", "--from", &url, "--to", &url], &[]).no_change();
    // Exact, through a scratch database on the development server, given as a flag or in the
    // environment.
    let dev = retort_testkit::Server::shared().await.admin_url();
    retort_in(
        dir.path(),
        &["diff", "--from", &url, "--to", "schema", "--dev-url", &dev],
        &[],
    )
    .no_change();
    retort_in(
        dir.path(),
        &["diff", "--from", &url, "--to", "schema"],
        &[("RETORT_DEV_URL", &dev)],
    )
    .no_change();
}

#[test]
fn hazard_names_are_checked() {
    let dir = dir_with(&[("a.sql", USERS_SQL)]);
    let run = retort_in(
        dir.path(),
        &[
            "diff",
            "--from",
            "a.sql",
            "--to",
            "a.sql",
            "--allow-hazards",
            "data-loss,dataloss",
        ],
        &[],
    );
    assert_eq!(run.code, Some(2), "stderr: {}", run.stderr);
    assert_eq!(run.stdout, "");
    for name in [
        "dataloss",
        "data-loss",
        "table-rewrite",
        "access-exclusive-lock",
        "index-build",
        "not-transactional",
    ] {
        assert!(run.stderr.contains(name), "{name}: {}", run.stderr);
    }

    // Comma-separated and repeatable.
    retort_in(
        dir.path(),
        &[
            "diff",
            "--from",
            "a.sql",
            "--to",
            "a.sql",
            "--allow-hazards",
            "data-loss,index-build",
            "--allow-hazards",
            "table-rewrite",
        ],
        &[],
    )
    .no_change();
}

#[test]
fn a_missing_path_is_named() {
    let dir = dir_with(&[("a.sql", USERS_SQL)]);
    let run = retort_in(
        dir.path(),
        &["diff", "--from", "a.sql", "--to", "no/such/schema"],
        &[],
    );
    let line = run.usage_error();
    assert!(line.contains("--to"), "{line}");
    assert!(line.contains("no/such/schema"), "{line}");

    let run = retort_in(
        dir.path(),
        &["diff", "--from", "nowhere.sql", "--to", "a.sql"],
        &[],
    );
    let line = run.usage_error();
    assert!(line.contains("--from"), "{line}");
    assert!(line.contains("nowhere.sql"), "{line}");

    // A directory without schema files is an input error too.
    std::fs::create_dir(dir.path().join("empty")).expect("mkdir");
    let run = retort_in(
        dir.path(),
        &["diff", "--from", "empty", "--to", "a.sql"],
        &[],
    );
    assert!(run.usage_error().contains("empty"), "{}", run.stderr);
}

#[test]
fn bad_urls_are_usage_errors_without_the_password() {
    let dir = dir_with(&[("a.sql", USERS_SQL)]);
    let secret = "Sup3rS3cretPw";
    for (args, expected) in [
        (
            [
                "--from",
                "postgres://alice:Sup3rS3cretPw@db.example:99999/app",
                "--to",
                "a.sql",
            ],
            "error: --from: invalid database URL: invalid port",
        ),
        (
            [
                "--from",
                "a.sql",
                "--to",
                "postgresql+psycopg2://alice:Sup3rS3cretPw@h:x/app",
            ],
            "error: --to: invalid database URL: invalid port",
        ),
        (
            [
                "--from",
                "mysql://alice:Sup3rS3cretPw@db.example/app",
                "--to",
                "a.sql",
            ],
            "unsupported scheme 'mysql'",
        ),
    ] {
        let mut argv = vec!["diff"];
        argv.extend(args);
        let run = retort_in(dir.path(), &argv, &[]);
        let line = run.usage_error();
        assert!(line.contains(expected), "{line}");
        assert!(!line.contains(secret), "{line}");
    }

    let run = retort_in(
        dir.path(),
        &[
            "diff",
            "--from",
            "postgres://postgres:Sup3rS3cretPw@127.0.0.1:1/postgres",
            "--to",
            "a.sql",
        ],
        &[],
    );
    assert_eq!(
        run.usage_error(),
        "error: --from: could not connect to server at 127.0.0.1:1: connection refused"
    );
}

#[test]
fn usage() {
    let dir = dir_with(&[]);
    let run = retort_in(dir.path(), &["--help"], &[]);
    assert!(run.success().contains("diff"));
    let run = retort_in(dir.path(), &["diff", "--help"], &[]);
    let out = run.success();
    for flag in [
        "--from",
        "--to",
        "--dev-url",
        "--schema",
        "--exclude-schema",
        "--format",
        "--down",
        "--allow-hazards",
        "--allow-unsupported",
    ] {
        assert!(out.contains(flag), "{flag}: {out}");
    }
    // Both sides are required.
    let run = retort_in(dir.path(), &["diff", "--to", "x"], &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let run = retort_in(
        dir.path(),
        &["diff", "--from", "a", "--to", "b", "--format", "toml"],
        &[],
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
}

#[tokio::test]
async fn schema_filters_apply_to_both_sides() {
    let db = db_with(
        "CREATE SCHEMA retort_cli_a; CREATE SCHEMA retort_cli_b;
         CREATE TABLE retort_cli_a.kept (id int);
         CREATE TABLE retort_cli_b.other (id int);",
    )
    .await;
    let url = db.url();
    let dir = dir_with(&[(
        "schema.sql",
        "CREATE SCHEMA retort_cli_a;\nCREATE TABLE retort_cli_a.kept (id int);\n",
    )]);
    for filter in [
        ["--schema", "retort_cli_a"],
        ["--exclude-schema", "retort_cli_b"],
    ] {
        let mut argv = vec!["diff", "--from", &url, "--to", "schema.sql"];
        argv.extend(filter);
        retort_in(dir.path(), &argv, &[]).no_change();
    }
    // Waits on the planner: unfiltered, schema retort_cli_b and its table would be dropped.
    let run = retort_in(
        dir.path(),
        &["diff", "--from", &url, "--to", "schema.sql"],
        &[],
    );
    assert_eq!(run.code, Some(1), "stderr: {}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("retort_cli_b"), "{}", run.stderr);
}

/// Waits on the planner.
#[tokio::test]
async fn a_dropped_column_is_refused_unless_data_loss_is_allowed() {
    let db = db_with(USERS_SQL).await;
    let url = db.url();
    let dir = dir_with(&[("schema/users.sql", USERS_WITHOUT_STATUS_SQL)]);

    let run = retort_in(dir.path(), &["diff", "--from", &url, "--to", "schema"], &[]);
    assert_eq!(run.code, Some(1), "stderr: {}", run.stderr);
    assert_eq!(run.stdout, "", "a refused plan must not be printed");
    let lines: Vec<&str> = run.stderr.lines().collect();
    let refused = lines
        .iter()
        .find(|l| l.starts_with("refused: "))
        .unwrap_or_else(|| panic!("no refused step: {}", run.stderr));
    assert!(refused.contains("status"), "{refused}");
    assert!(refused.contains("data-loss"), "{refused}");
    let last = lines.last().expect("an error line");
    assert!(last.starts_with("error: "), "{last}");
    assert!(last.contains("--allow-hazards data-loss"), "{last}");

    // Other hazards allowed do not allow data loss.
    let run = retort_in(
        dir.path(),
        &[
            "diff",
            "--from",
            &url,
            "--to",
            "schema",
            "--allow-hazards",
            "table-rewrite,access-exclusive-lock",
        ],
        &[],
    );
    assert_eq!(run.code, Some(1), "stderr: {}", run.stderr);
    assert_eq!(run.stdout, "");

    // JSON: the plan with the step and its hazard.
    let run = retort_in(
        dir.path(),
        &[
            "diff",
            "--from",
            &url,
            "--to",
            "schema",
            "--format",
            "json",
            "--allow-hazards",
            "data-loss",
        ],
        &[],
    );
    let value = json(run.success());
    let hazards: Vec<&str> = value["segments"]
        .as_array()
        .expect("segments")
        .iter()
        .flat_map(|s| s["steps"].as_array().expect("steps"))
        .flat_map(|s| s["hazards"].as_array().into_iter().flatten())
        .filter_map(|h| h["hazard"].as_str())
        .collect();
    assert!(hazards.contains(&"data-loss"), "{value:#}");

    // Allowed: the script drops the column; once applied, nothing differs.
    let run = retort_in(
        dir.path(),
        &[
            "diff",
            "--from",
            &url,
            "--to",
            "schema",
            "--allow-hazards",
            "data-loss",
        ],
        &[],
    );
    let script = run.success().to_owned();
    assert!(script.contains("status"), "{script}");
    assert!(script.ends_with('\n'), "{script:?}");
    db.execute(&script).await;
    retort_in(dir.path(), &["diff", "--from", &url, "--to", "schema"], &[]).no_change();
}

/// Waits on the planner.
#[tokio::test]
async fn the_down_migration_is_held_to_the_same_rule() {
    // Up adds a column (safe), so down drops it (data loss).
    let db = db_with(USERS_WITHOUT_STATUS_SQL).await;
    let url = db.url();
    let dir = dir_with(&[("schema/users.sql", USERS_SQL)]);

    let up = retort_in(dir.path(), &["diff", "--from", &url, "--to", "schema"], &[]);
    let up_script = up.success().to_owned();
    assert!(up_script.contains("status"), "{up_script}");

    let down = retort_in(
        dir.path(),
        &["diff", "--from", &url, "--to", "schema", "--down"],
        &[],
    );
    assert_eq!(down.code, Some(1), "stderr: {}", down.stderr);
    assert_eq!(down.stdout, "");
    assert!(down.stderr.contains("down migration"), "{}", down.stderr);
    assert!(down.stderr.contains("status"), "{}", down.stderr);

    let down = retort_in(
        dir.path(),
        &[
            "diff",
            "--from",
            &url,
            "--to",
            "schema",
            "--down",
            "--allow-hazards",
            "data-loss",
        ],
        &[],
    );
    let down_script = down.success().to_owned();
    assert_ne!(down_script, up_script);

    // Up, then down, leaves the database as it was.
    let before = retort_in(dir.path(), &["inspect", &url, "--format", "json"], &[]);
    let before = before.success().to_owned();
    db.execute(&up_script).await;
    retort_in(dir.path(), &["diff", "--from", &url, "--to", "schema"], &[]).no_change();
    db.execute(&down_script).await;
    let after = retort_in(dir.path(), &["inspect", &url, "--format", "json"], &[]);
    assert_eq!(json(after.success()), json(&before));

    // The up plan's hazards do not matter for --down: dropping the column is data loss up,
    // adding it back is safe down.
    let db = db_with(USERS_SQL).await;
    let url = db.url();
    let dir = dir_with(&[("schema/users.sql", USERS_WITHOUT_STATUS_SQL)]);
    let down = retort_in(
        dir.path(),
        &["diff", "--from", &url, "--to", "schema", "--down"],
        &[],
    );
    assert!(down.success().contains("status"), "{}", down.stdout);
}

#[tokio::test]
async fn unsupported_objects_fail_unless_allowed() {
    let db = db_with(
        "CREATE TABLE retort_cli_t (id int);
         CREATE AGGREGATE retort_cli_sum (int) (SFUNC = int4pl, STYPE = int);",
    )
    .await;
    let url = db.url();
    let dir = dir_with(&[("schema.sql", "CREATE TABLE retort_cli_t (id int);\n")]);
    let run = retort_in(
        dir.path(),
        &["diff", "--from", &url, "--to", "schema.sql"],
        &[],
    );
    let line = run.usage_error();
    assert!(line.contains("retort_cli_sum"), "{line}");
    assert!(line.contains("--allow-unsupported"), "{line}");

    let run = retort_in(
        dir.path(),
        &[
            "diff",
            "--from",
            &url,
            "--to",
            "schema.sql",
            "--allow-unsupported",
        ],
        &[],
    );
    assert_eq!(run.success(), "");
    assert!(
        run.stderr.starts_with("warning: left out aggregate ")
            && run.stderr.contains("retort_cli_sum"),
        "{}",
        run.stderr
    );
}
