//! The `retort` binary end to end: exit codes, stdout and stderr.
//!
//! Every run gets an empty temporary working directory and no `DATABASE_URL`, so neither the
//! developer's environment nor a stray `.env` can leak in.

use std::path::Path;
use std::process::Command;

use retort_testkit::{Cluster, ClusterOptions, TestDb};

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
}

fn retort_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_retort"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL");
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

fn retort(args: &[&str]) -> Run {
    let dir = tempfile::tempdir().expect("temporary directory");
    retort_in(dir.path(), args, &[])
}

fn with_scheme(url: &str, scheme: &str) -> String {
    let (_, rest) = url.split_once("://").expect("a URL");
    format!("{scheme}://{rest}")
}

async fn db_with_tables() -> TestDb {
    let db = TestDb::new().await;
    db.execute(
        "CREATE TABLE retort_cli_author (id bigint PRIMARY KEY, name text NOT NULL);
         CREATE TABLE retort_cli_book (
             id bigint PRIMARY KEY,
             author_id bigint NOT NULL REFERENCES retort_cli_author (id),
             title text NOT NULL
         );",
    )
    .await;
    db
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn malformed_url() {
    let run = retort(&[
        "inspect",
        "postgres://alice:Sup3rS3cretPw@db.example:99999/app",
    ]);
    assert_eq!(
        run.usage_error(),
        "error: invalid database URL: invalid port"
    );

    let run = retort(&["inspect", "mysql://alice:Sup3rS3cretPw@db.example/app"]);
    let line = run.usage_error();
    assert!(line.contains("unsupported scheme 'mysql'"), "{line}");
    assert!(!line.contains("Sup3rS3cretPw"), "{line}");

    let run = retort(&[
        "inspect",
        "postgres://alice:Sup3rS3cretPw@db.example/app?sslmod=x",
    ]);
    assert_eq!(
        run.usage_error(),
        "error: invalid database URL: unknown query parameter 'sslmod'"
    );
}

#[test]
fn no_url_at_all() {
    let run = retort(&["inspect"]);
    assert_eq!(
        run.usage_error(),
        "error: no database URL: pass one or set DATABASE_URL"
    );
}

#[test]
fn unreachable_server() {
    let run = retort(&[
        "inspect",
        "postgres://postgres:Sup3rS3cretPw@127.0.0.1:1/postgres",
    ]);
    assert_eq!(
        run.usage_error(),
        "error: could not connect to server at 127.0.0.1:1: connection refused"
    );
}

#[tokio::test]
async fn unknown_database() {
    let db = TestDb::new().await;
    let url = db.url().replace(db.name(), "retort_cli_no_such_database");
    let run = retort(&["inspect", &url]);
    let line = run.usage_error();
    assert!(
        line.contains("database \"retort_cli_no_such_database\" does not exist"),
        "{line}"
    );
}

#[test]
fn wrong_password() {
    let cluster = Cluster::start(ClusterOptions {
        auth: "scram-sha-256".into(),
        superuser_password: Some("s3cret".into()),
        ..ClusterOptions::default()
    })
    .unwrap_or_else(|e| panic!("cannot start a throwaway cluster: {e}"));
    let wrong = "N0tTheR1ghtPassw0rd";
    let url = format!(
        "postgres://postgres:{wrong}@127.0.0.1:{}/postgres",
        cluster.port()
    );
    let run = retort(&["inspect", &url]);
    let line = run.usage_error();
    assert!(
        line.contains("password authentication failed for user \"postgres\""),
        "{line}"
    );
    assert!(!run.stderr.contains(wrong), "{}", run.stderr);

    // The right password gets through, and the output never shows it either.
    let run = retort(&["inspect", &cluster.url("postgres"), "--format", "json"]);
    let out = run.success();
    json(out);
    assert!(!out.contains("s3cret") && !run.stderr.contains("s3cret"));
}

#[test]
fn usage_errors_exit_2_and_hide_url_passwords() {
    let run = retort(&["inspect", "--format", "xml", "postgres://u@h/db"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("xml"), "{}", run.stderr);

    // clap echoes the unexpected argument; its password must not survive.
    let run = retort(&[
        "inspect",
        "postgres://u:FirstPassw0rd@h/db",
        "postgres://u:Sec0nd/Passw0rd@h/db",
    ]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("postgres://u:***@h/db"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("Passw0rd"), "{}", run.stderr);

    let run = retort(&["frobnicate"]);
    assert_eq!(run.code, Some(2));
}

#[test]
fn help_and_version_succeed() {
    let run = retort(&["--help"]);
    assert!(run.success().contains("inspect"));
    let run = retort(&["--version"]);
    assert!(run.success().starts_with("retort "));
}

#[tokio::test]
async fn inspect_prints_json_and_sql() {
    let db = db_with_tables().await;
    let url = db.url();

    let run = retort(&["inspect", &url, "--format", "json"]);
    let out = run.success();
    assert_eq!(run.stderr, "");
    let value = json(out);
    assert!(out.ends_with("}\n"));
    let tables = value["tables"].as_array().expect("a tables array");
    assert!(
        out.contains("\"retort_cli_author\"") && out.contains("\"retort_cli_book\""),
        "{out}"
    );
    assert_eq!(tables.len(), 2, "{out}");

    for args in [
        vec!["inspect", url.as_str()],
        vec!["inspect", url.as_str(), "--format", "sql"],
    ] {
        let run = retort(&args);
        let out = run.success();
        assert!(out.contains("CREATE TABLE"), "{out}");
        assert!(out.contains("retort_cli_author"), "{out}");
        assert!(out.ends_with('\n'));
    }
}

#[tokio::test]
async fn schema_filters() {
    let db = TestDb::new().await;
    db.execute(
        "CREATE SCHEMA retort_cli_a; CREATE SCHEMA retort_cli_b;
         CREATE TABLE retort_cli_a.only_in_a (id int);
         CREATE TABLE retort_cli_b.only_in_b (id int);",
    )
    .await;
    let url = db.url();

    let run = retort(&[
        "inspect",
        &url,
        "--format",
        "json",
        "--schema",
        "retort_cli_a",
    ]);
    let out = run.success();
    assert!(
        out.contains("only_in_a") && !out.contains("only_in_b"),
        "{out}"
    );

    let run = retort(&[
        "inspect",
        &url,
        "--format",
        "json",
        "--exclude-schema",
        "retort_cli_a",
    ]);
    let out = run.success();
    assert!(
        !out.contains("only_in_a") && out.contains("only_in_b"),
        "{out}"
    );
}

#[tokio::test]
async fn sqlalchemy_urls_work() {
    let db = db_with_tables().await;
    for scheme in ["postgresql+asyncpg", "postgresql+psycopg2", "postgresql"] {
        let url = with_scheme(&db.url(), scheme);
        let run = retort(&["inspect", &url, "--format", "json"]);
        assert!(run.success().contains("retort_cli_book"), "{scheme}");
    }
}

#[tokio::test]
async fn url_from_the_environment() {
    let db = db_with_tables().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = db.url();
    let run = retort_in(
        dir.path(),
        &["inspect", "--format", "json"],
        &[("DATABASE_URL", &url)],
    );
    assert!(run.success().contains("retort_cli_book"));

    // The argument wins over the environment.
    let run = retort_in(
        dir.path(),
        &["inspect", &url, "--format", "json"],
        &[("DATABASE_URL", "postgres://postgres@127.0.0.1:1/postgres")],
    );
    assert!(run.success().contains("retort_cli_book"));

    // A bad URL in the environment says where it came from.
    let run = retort_in(
        dir.path(),
        &["inspect"],
        &[("DATABASE_URL", "postgres://u:Sup3rS3cretPw@h:x/db")],
    );
    assert_eq!(
        run.usage_error(),
        "error: DATABASE_URL from the environment: invalid database URL: invalid port"
    );
}

#[tokio::test]
async fn url_from_a_dotenv_file() {
    let db = db_with_tables().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(
        dir.path().join(".env"),
        format!("# settings\nAPP_MODE=dev\nDATABASE_URL=\"{}\"\n", db.url()),
    )
    .expect("write .env");
    let run = retort_in(dir.path(), &["inspect", "--format", "json"], &[]);
    assert!(run.success().contains("retort_cli_book"));

    // The environment wins over the file.
    let run = retort_in(
        dir.path(),
        &["inspect"],
        &[("DATABASE_URL", "postgres://postgres@127.0.0.1:1/postgres")],
    );
    assert!(run.usage_error().contains("127.0.0.1:1"));
}

#[tokio::test]
async fn unsupported_objects_fail_unless_allowed() {
    let db = TestDb::new().await;
    db.execute(
        "CREATE TABLE retort_cli_t (id int);
         CREATE AGGREGATE retort_cli_sum (int) (SFUNC = int4pl, STYPE = int);",
    )
    .await;
    let url = db.url();

    let run = retort(&["inspect", &url]);
    let line = run.usage_error();
    assert!(line.contains("retort cannot represent"), "{line}");
    assert!(line.contains("aggregate"), "{line}");
    assert!(line.contains("retort_cli_sum"), "{line}");
    assert!(line.contains("--allow-unsupported"), "{line}");

    let run = retort(&["inspect", &url, "--allow-unsupported"]);
    let out = run.success();
    assert!(out.contains("retort_cli_t"), "{out}");
    assert!(!out.contains("retort_cli_sum"), "{out}");
    assert!(
        run.stderr.starts_with("warning: left out aggregate ")
            && run.stderr.contains("retort_cli_sum"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn inspect_prints_toml_that_reads_back_into_the_same_catalog() {
    let db = db_with_tables().await;
    let url = db.url();
    let toml_run = retort(&["inspect", &url, "--format", "toml"]);
    let text = toml_run.success();
    assert_eq!(toml_run.stderr, "");
    assert!(
        text.contains("[[table]]\nname = \"retort_cli_book\""),
        "{text}"
    );
    assert!(
        text.contains("references = \"retort_cli_author\""),
        "{text}"
    );
    assert!(text.ends_with('\n'));
    let from_toml = retort_declare::toml_format::read_str("inspect.toml", text)
        .unwrap_or_else(|e| panic!("{}\n{text}", e.render()));
    let json_run = retort(&["inspect", &url, "--format", "json"]);
    let from_json: retort_catalog::Catalog =
        serde_json::from_str(json_run.success()).expect("the JSON is a catalog");
    assert_eq!(from_toml, from_json);
}

const USERS_SQL: &str = "CREATE TABLE users (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    email text NOT NULL UNIQUE,\n    status varchar(20) DEFAULT 'active' CHECK (status IN ('active', 'gone'))\n);\n";
const POSTS_SQL: &str = "CREATE TABLE posts (\n    id serial PRIMARY KEY,\n    user_id bigint REFERENCES users ON DELETE CASCADE,\n    body text\n);\nCREATE INDEX posts_user ON posts (user_id);\n";

#[tokio::test]
async fn schema_files_read_through_a_dev_database_equal_the_database_they_describe() {
    let dev = retort_testkit::Server::shared().await.admin_url();
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::create_dir_all(dir.path().join("schema/tables")).expect("mkdir");
    std::fs::write(dir.path().join("schema/tables/01_users.sql"), USERS_SQL).expect("write");
    std::fs::write(dir.path().join("schema/tables/02_posts.sql"), POSTS_SQL).expect("write");
    let from_files = retort_in(
        dir.path(),
        &["inspect", "schema", "--dev-url", &dev, "--format", "json"],
        &[],
    );

    let db = TestDb::new().await;
    db.execute(&format!("{USERS_SQL}{POSTS_SQL}")).await;
    let from_database = retort(&["inspect", &db.url(), "--format", "json"]);
    assert_eq!(
        json(from_files.success()),
        json(from_database.success()),
        "exact mode must give the catalog PostgreSQL stores for the same SQL"
    );

    // The development URL may also come from the environment.
    let from_env = retort_in(
        dir.path(),
        &["inspect", "schema", "--format", "json"],
        &[("RETORT_DEV_URL", dev.as_str())],
    );
    assert_eq!(from_env.success(), from_files.success());
}

#[tokio::test]
async fn a_schema_file_that_does_not_load_is_named_with_line_column_and_caret() {
    let dev = retort_testkit::Server::shared().await.admin_url();
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::create_dir_all(dir.path().join("schema")).expect("mkdir");
    std::fs::write(dir.path().join("schema/01_users.sql"), USERS_SQL).expect("write");
    std::fs::write(
        dir.path().join("schema/02_bad.sql"),
        "CREATE TABLE bad (\n    id integr\n);\n",
    )
    .expect("write");
    let run = retort_in(dir.path(), &["inspect", "schema", "--dev-url", &dev], &[]);
    assert_eq!(run.code, Some(2), "stderr: {}", run.stderr);
    assert_eq!(run.stdout, "", "a failure must not leave output");
    let mut lines = run.stderr.lines();
    let first = lines.next().expect("an error line");
    assert!(first.starts_with("error: "), "{first}");
    assert!(
        first.contains("schema/02_bad.sql:2:8: type \"integr\" does not exist"),
        "{first}"
    );
    let rest: Vec<&str> = lines.collect();
    assert!(rest.iter().any(|l| l.contains("    id integr")), "{rest:?}");
    let caret = rest.iter().find(|l| l.trim() == "^").expect("a caret line");
    assert_eq!(caret.find('^'), Some(7), "caret under column 8: {rest:?}");
}

#[tokio::test]
async fn schema_files_without_a_dev_database_are_read_offline_to_the_same_catalog() {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::create_dir_all(dir.path().join("schema/tables")).expect("mkdir");
    std::fs::write(dir.path().join("schema/tables/01_users.sql"), USERS_SQL).expect("write");
    std::fs::write(dir.path().join("schema/tables/02_posts.sql"), POSTS_SQL).expect("write");
    let offline = retort_in(dir.path(), &["inspect", "schema", "--format", "json"], &[]);
    assert_eq!(offline.stderr, "", "nothing here is approximated");
    let db = TestDb::new().await;
    db.execute(&format!("{USERS_SQL}{POSTS_SQL}")).await;
    let from_database = retort(&["inspect", &db.url(), "--format", "json"]);
    assert_eq!(
        json(offline.success()),
        json(from_database.success()),
        "offline reading must give the catalog PostgreSQL stores for the same SQL"
    );
    let missing = retort_in(dir.path(), &["inspect", "nowhere"], &[]);
    let line = missing.usage_error();
    assert!(line.contains("nowhere"), "{line}");
}

#[test]
fn an_offline_schema_error_is_named_with_line_column_and_caret() {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::create_dir_all(dir.path().join("schema")).expect("mkdir");
    std::fs::write(dir.path().join("schema/01_users.sql"), USERS_SQL).expect("write");
    std::fs::write(
        dir.path().join("schema/02_bad.sql"),
        "CREATE TABLE bad (\n    id integr\n);\n",
    )
    .expect("write");
    let run = retort_in(dir.path(), &["inspect", "schema"], &[]);
    assert_eq!(run.code, Some(2), "stderr: {}", run.stderr);
    assert_eq!(run.stdout, "", "a failure must not leave output");
    let mut lines = run.stderr.lines();
    let first = lines.next().expect("an error line");
    assert!(
        first.contains("schema/02_bad.sql:2:8: type \"integr\" does not exist"),
        "{first}"
    );
    let rest: Vec<&str> = lines.collect();
    let code = rest
        .iter()
        .find(|l| l.contains("    id integr"))
        .expect("the offending line");
    let caret = rest.iter().find(|l| l.contains('^')).expect("a caret line");
    assert_eq!(
        caret.find('^'),
        code.find("integr"),
        "caret under the type: {rest:?}"
    );
    assert_eq!(caret.matches('^').count(), "integr".len(), "{rest:?}");
}
