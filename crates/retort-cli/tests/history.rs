//! The migration history end to end, as a new user runs it: `init`, `revision`, `upgrade`,
//! `downgrade`, `current`, `history`, `stamp`, `merge`, with every exit code and output checked
//! and the database compared with the declared schema at each stop.
//!
//! Each test works in an empty temporary project directory with its own database; the
//! environment's `DATABASE_URL` and `RETORT_DEV_URL` are removed so nothing leaks in, and
//! `SOURCE_DATE_EPOCH` fixes the clock so file names and ids are the same on every run.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use retort_testkit::TestDb;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    #[track_caller]
    fn ok(&self) -> &str {
        assert_eq!(
            self.code,
            Some(0),
            "stdout: {}\nstderr: {}",
            self.stdout,
            self.stderr
        );
        &self.stdout
    }

    /// A failure with `code`: nothing on stdout, `error: ` first on stderr; returns stderr.
    #[track_caller]
    fn fails(&self, code: i32) -> &str {
        assert_eq!(
            self.code,
            Some(code),
            "stdout: {}\nstderr: {}",
            self.stdout,
            self.stderr
        );
        assert_eq!(self.stdout, "", "a failure leaves no output");
        assert!(self.stderr.starts_with("error: "), "{}", self.stderr);
        &self.stderr
    }
}

fn command(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_retort"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("RETORT_DEV_URL")
        .env("SOURCE_DATE_EPOCH", "1795000000")
        .env("NO_COLOR", "1");
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

fn retort(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = command(dir, args, env)
        .output()
        .expect("the retort binary runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn migration_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("migrations"))
        .expect("migrations/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    names.sort();
    names
}

/// `retort diff` between two sources prints nothing: they are the same schema.
#[track_caller]
fn same_schema(dir: &Path, from: &str, to: &str) {
    let run = retort(dir, &["diff", "--from", from, "--to", to], &[]);
    assert_eq!(
        run.ok(),
        "",
        "{from} and {to} differ:\n{}\n{}",
        run.stdout,
        run.stderr
    );
}

const SCHEMA_V1: &str = "\
CREATE TYPE account_status AS ENUM ('active', 'suspended', 'closed');

CREATE TABLE accounts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email varchar(100) NOT NULL UNIQUE,
    status account_status NOT NULL DEFAULT 'active'
);

CREATE TABLE notes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    body text NOT NULL
);

CREATE TABLE audit_log (
    id bigserial PRIMARY KEY,
    entry text
);
";

/// A column with a server default, an enum value added and one removed, a type widened, an
/// index added, a table dropped.
const SCHEMA_V2: &str = "\
CREATE TYPE account_status AS ENUM ('pending', 'active', 'suspended');

CREATE TABLE accounts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email varchar(255) NOT NULL UNIQUE,
    status account_status NOT NULL DEFAULT 'active',
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE notes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    body text NOT NULL
);

CREATE INDEX notes_account_id ON notes (account_id);
";

#[tokio::test]
async fn a_new_users_session() {
    let db = TestDb::new().await;
    let url = db.url();
    let project = tempfile::tempdir().expect("temporary directory");
    let dir = project.path();
    let with_db = [("DATABASE_URL", url.as_str())];
    // No server at all: the offline head needs none.
    let no_db = [("DATABASE_URL", "postgres://nobody@127.0.0.1:9/nothing")];

    // init, once.
    let out = retort(dir, &["init"], &[]).ok().to_owned();
    assert!(
        out.starts_with("created retort.toml, schema/ and migrations/\n"),
        "{out}"
    );
    for path in [
        "retort.toml",
        "schema",
        "migrations",
        "migrations/retort.sum",
    ] {
        assert!(dir.join(path).exists(), "{path} missing");
    }
    let again = retort(dir, &["init"], &[]);
    assert!(again.fails(2).contains("already exist"), "{}", again.stderr);

    // Nothing declared yet: no revision to write.
    let empty = retort(dir, &["revision", "-m", "nothing"], &no_db);
    assert!(empty.fails(1).contains("no changes"), "{}", empty.stderr);

    // The first revision, offline.
    write(dir, "schema/app.sql", SCHEMA_V1);
    let out = retort(dir, &["revision", "-m", "first tables"], &no_db)
        .ok()
        .to_owned();
    let files = migration_files(dir);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].starts_with("20261118_1106_"), "{files:?}");
    assert!(files[0].ends_with("_first_tables.sql"), "{files:?}");
    assert!(
        out.starts_with(&format!("wrote migrations/{}\n", files[0])),
        "{out}"
    );
    assert!(out.contains("  create table public.accounts\n"), "{out}");
    let first_text = std::fs::read_to_string(dir.join("migrations").join(&files[0])).expect("read");
    assert!(first_text.contains("-- parent: base\n"), "{first_text}");
    assert!(
        first_text.contains("-- message: first tables\n"),
        "{first_text}"
    );
    let sums = std::fs::read_to_string(dir.join("migrations/retort.sum")).expect("retort.sum");
    assert!(sums.contains(&files[0]), "{sums}");
    let first_id = header(&first_text, "revision");

    // current on a fresh database: base, and nothing created.
    let out = retort(dir, &["current"], &with_db).ok().to_owned();
    assert_eq!(out, "base (no revision applied)\n");

    let out = retort(dir, &["upgrade", "head"], &with_db).ok().to_owned();
    assert!(out.contains("1 revision(s) run"), "{out}");
    assert!(
        out.contains(&format!("{first_id} (head), first tables")),
        "{out}"
    );
    same_schema(dir, &url, "schema");

    // Edit the schema: a data-loss step (the dropped table) is refused until allowed.
    write(dir, "schema/app.sql", SCHEMA_V2);
    let refused = retort(dir, &["revision", "-m", "second"], &no_db);
    assert_eq!(refused.code, Some(1), "{}", refused.stderr);
    let err = refused.stderr.clone();
    assert!(
        err.contains("error: the revision has 2 step(s) with hazards not allowed (data-loss)"),
        "{err}"
    );
    assert!(
        err.contains("removes values 'closed' of public.account_status"),
        "{err}"
    );
    assert!(err.contains("data-loss"), "{err}");
    assert!(err.contains("drop table public.audit_log"), "{err}");
    assert_eq!(
        migration_files(dir).len(),
        1,
        "a refused revision writes nothing"
    );
    let out = retort(
        dir,
        &["revision", "-m", "second", "--allow-hazards", "data-loss"],
        &no_db,
    )
    .ok()
    .to_owned();
    let files = migration_files(dir);
    assert_eq!(files.len(), 2, "{files:?}");
    let second = files
        .iter()
        .find(|f| f.ends_with("_second.sql"))
        .expect("the second file")
        .clone();
    assert!(
        out.starts_with(&format!("wrote migrations/{second}\n")),
        "{out}"
    );
    let second_text = std::fs::read_to_string(dir.join("migrations").join(&second)).expect("read");
    let second_id = header(&second_text, "revision");
    assert_eq!(header(&second_text, "parent"), first_id);
    assert!(
        second_text.contains("--   data-loss: drop table public.audit_log"),
        "{second_text}"
    );

    // Nothing left to write.
    let again = retort(dir, &["revision", "-m", "third"], &no_db);
    assert!(again.fails(1).contains("no changes"), "{}", again.stderr);

    let out = retort(dir, &["upgrade", "head"], &with_db).ok().to_owned();
    assert!(out.contains("1 revision(s) run"), "{out}");
    assert!(
        out.contains(&format!("{second_id} (head), second")),
        "{out}"
    );
    same_schema(dir, &url, "schema");

    // Down one: back to the first schema exactly.
    let out = retort(dir, &["downgrade", "-1"], &with_db).ok().to_owned();
    assert!(out.contains(&format!("{first_id}, first tables")), "{out}");
    assert!(out.contains("1 revision(s) not applied"), "{out}");
    write(dir, "v1/app.sql", SCHEMA_V1);
    same_schema(dir, &url, "v1");

    // And up again.
    retort(dir, &["upgrade", "head"], &with_db).ok();
    let out = retort(dir, &["current"], &with_db).ok().to_owned();
    assert_eq!(out, format!("{second_id} (head), second\n"));
    let out = retort(dir, &["upgrade", "head"], &with_db).ok().to_owned();
    assert!(out.contains("nothing to run"), "{out}");

    let out = retort(dir, &["history"], &[]).ok().to_owned();
    assert_eq!(
        out,
        format!("{first_id} -> {second_id} (head), second\n<base> -> {first_id}, first tables\n")
    );
    let out = retort(dir, &["history", "--verbose"], &[]).ok().to_owned();
    assert!(
        out.contains(&format!("Path: migrations/{second}\n")),
        "{out}"
    );

    // The database equals one built straight from the schema files.
    let direct = TestDb::new().await;
    direct.execute(SCHEMA_V2).await;
    same_schema(dir, &url, &direct.url());
    same_schema(dir, &direct.url(), &url);

    // stamp records without running; show prints a revision and its file.
    retort(dir, &["stamp", "base"], &with_db).ok();
    assert_eq!(
        retort(dir, &["current"], &with_db).ok(),
        "base (no revision applied)\n"
    );
    retort(dir, &["stamp", "head"], &with_db).ok();
    assert_eq!(
        retort(dir, &["current"], &with_db).ok(),
        format!("{second_id} (head), second\n")
    );
    let prefix = &second_id[..6];
    let out = retort(dir, &["show", prefix], &[]).ok().to_owned();
    assert!(
        out.starts_with(&format!("Revision: {second_id} (head)\n")),
        "{out}"
    );
    assert!(out.ends_with(&second_text), "{out}");

    // The printed SQL of the whole history, run by psql-like means, gives the same database;
    // without a database configured, it starts from base.
    let sql = retort(dir, &["upgrade", "base:head", "--sql"], &[])
        .ok()
        .to_owned();
    let from_base = retort(dir, &["upgrade", "head", "--sql"], &[]);
    assert_eq!(from_base.ok(), sql);
    assert!(
        from_base.stderr.starts_with("note: no database"),
        "{}",
        from_base.stderr
    );
    let printed = TestDb::new().await;
    printed.execute(&sql).await;
    same_schema(dir, &printed.url(), "schema");
    let out = retort(dir, &["current"], &[("DATABASE_URL", &printed.url())])
        .ok()
        .to_owned();
    assert_eq!(
        out,
        format!("{second_id} (head), second\n"),
        "the printed SQL records what it runs"
    );
}

/// The file a `revision` run says it wrote (`wrote migrations/x.sql`, its first line).
fn written(out: &str) -> String {
    out.lines()
        .next()
        .and_then(|l| l.strip_prefix("wrote "))
        .unwrap_or_else(|| panic!("no file written: {out}"))
        .to_owned()
}

fn header(text: &str, key: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("-- {key}: ")))
        .unwrap_or_else(|| panic!("no {key} in {text}"))
        .to_owned()
}

/// Sets up a project with one revision written from `schema`, and returns its directory.
fn project_with(schema: &str) -> tempfile::TempDir {
    let project = tempfile::tempdir().expect("temporary directory");
    retort(project.path(), &["init"], &[]).ok();
    write(project.path(), "schema/app.sql", schema);
    retort(project.path(), &["revision", "-m", "first"], &[]).ok();
    project
}

#[tokio::test]
async fn edited_and_foreign_files_are_refused() {
    let db = TestDb::new().await;
    let url = db.url();
    let with_db = [("DATABASE_URL", url.as_str())];
    let project = project_with("CREATE TABLE t (id int);\n");
    let dir = project.path();
    retort(dir, &["upgrade"], &with_db).ok();
    let file = migration_files(dir).remove(0);
    let path = dir.join("migrations").join(&file);
    let text = std::fs::read_to_string(&path).expect("read");

    // An edit after the sums were written: every command that reads the history refuses.
    std::fs::write(&path, text.replace("id integer", "id bigint")).expect("write");
    let run = retort(dir, &["upgrade"], &with_db);
    let err = run.fails(2).to_owned();
    assert!(err.contains("edited since it was written"), "{err}");
    assert!(err.contains(&format!("migrations/{file}")), "{err}");
    // Accepted with `hash`: now the database's record disagrees with the file.
    retort(dir, &["hash"], &[]).ok();
    let run = retort(dir, &["upgrade"], &with_db);
    let err = run.fails(2).to_owned();
    assert!(err.contains("changed after revision"), "{err}");
    let run = retort(dir, &["upgrade", "--ignore-checksums"], &with_db);
    assert!(run.ok().contains("nothing to run"), "{}", run.stdout);
    let out = retort(dir, &["current"], &with_db).ok().to_owned();
    assert!(out.contains("warning: migrations/"), "{out}");

    // A file added by hand.
    write(
        dir,
        "migrations/zz_extra.sql",
        "-- revision: extra\n-- parent: base\n-- retort:up\n-- retort:down\n",
    );
    let run = retort(dir, &["history"], &[]);
    assert!(run.fails(2).contains("not in retort.sum"), "{}", run.stderr);
}

#[tokio::test]
async fn branches_are_named_and_merged() {
    let project = project_with("CREATE TABLE t (id int);\n");
    let dir = project.path();
    let first = header(
        &std::fs::read_to_string(dir.join("migrations").join(&migration_files(dir)[0]))
            .expect("read"),
        "revision",
    );
    // Two people write a revision on the same parent.
    write(dir, "schema/a.sql", "CREATE TABLE a (id int);\n");
    retort(dir, &["revision", "-m", "left", "--rev-id", "left1"], &[]).ok();
    let left = migration_files(dir)
        .into_iter()
        .find(|f| f.contains("left1"))
        .expect("left");
    let left_text = std::fs::read_to_string(dir.join("migrations").join(&left)).expect("read");
    std::fs::remove_file(dir.join("migrations").join(&left)).expect("rm");
    retort(dir, &["hash"], &[]).ok();
    write(dir, "schema/b.sql", "CREATE TABLE b (id int);\n");
    std::fs::remove_file(dir.join("schema/a.sql")).expect("rm");
    retort(dir, &["revision", "-m", "right", "--rev-id", "right1"], &[]).ok();
    std::fs::write(dir.join("migrations").join(&left), left_text).expect("write");
    retort(dir, &["hash"], &[]).ok();
    write(dir, "schema/a.sql", "CREATE TABLE a (id int);\n");

    let run = retort(dir, &["revision", "-m", "more"], &[]);
    let err = run.fails(2).to_owned();
    assert!(err.contains("2 heads"), "{err}");
    assert!(err.contains(&left), "{err}");
    assert!(err.contains("retort merge"), "{err}");
    let heads = retort(dir, &["heads"], &[]).ok().to_owned();
    assert_eq!(heads, "left1 (head), left\nright1 (head), right\n");

    let out = retort(dir, &["merge", "-m", "join", "--rev-id", "join1"], &[])
        .ok()
        .to_owned();
    assert!(out.contains("merges left1, right1"), "{out}");
    let heads = retort(dir, &["heads"], &[]).ok().to_owned();
    assert_eq!(heads, "join1 (head), join\n");
    // The merged history's head is the schema: no revision to write.
    let run = retort(dir, &["revision", "-m", "more"], &[]);
    assert!(run.fails(1).contains("no changes"), "{}", run.stderr);

    let db = TestDb::new().await;
    let url = db.url();
    retort(dir, &["upgrade"], &[("DATABASE_URL", url.as_str())]).ok();
    same_schema(dir, &url, "schema");
    let out = retort(
        dir,
        &["downgrade", &first],
        &[("DATABASE_URL", url.as_str())],
    )
    .ok()
    .to_owned();
    assert!(out.contains("3 revision(s) run"), "{out}");
    write(dir, "v1/t.sql", "CREATE TABLE t (id int);\n");
    same_schema(dir, &url, "v1");
}

#[tokio::test]
async fn concurrent_upgrades_apply_each_revision_once() {
    let project = project_with("CREATE TABLE t (id int);\n");
    let dir = project.path();
    write(dir, "schema/u.sql", "CREATE TABLE u (id int);\n");
    retort(dir, &["revision", "-m", "second"], &[]).ok();
    let db = TestDb::new().await;
    let url = db.url();
    let spawn = || {
        command(dir, &["upgrade", "head"], &[("DATABASE_URL", url.as_str())])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn")
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (
        a.wait_with_output().expect("wait"),
        b.wait_with_output().expect("wait"),
    );
    let outputs = [&a, &b].map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    // Between them, two revisions ran once each.
    let ran: usize = outputs
        .iter()
        .map(|o| {
            if o.contains("2 revision(s) run") {
                2
            } else if o.contains("1 revision(s) run") {
                1
            } else {
                0
            }
        })
        .sum();
    assert_eq!(ran, 2, "{outputs:?}");
    let client = db.client().await;
    let rows = client
        .query_one("SELECT count(*) FROM public.retort_version", &[])
        .await
        .expect("count");
    assert_eq!(rows.get::<_, i64>(0), 2);
}

#[tokio::test]
async fn a_killed_connection_leaves_the_previous_revision() {
    let project = project_with("CREATE TABLE t (id int);\n");
    let dir = project.path();
    let db = TestDb::new().await;
    let url = db.url();
    let with_db = [("DATABASE_URL", url.as_str())];
    retort(dir, &["upgrade"], &with_db).ok();
    let first = retort(dir, &["current"], &with_db).ok().to_owned();

    // A hand-written revision that waits in its middle while the database says so.
    let out = retort(
        dir,
        &["revision", "-m", "slow", "--empty", "--rev-id", "slow1"],
        &[],
    )
    .ok()
    .to_owned();
    let file = written(&out);
    let path = dir.join(&file);
    let text = std::fs::read_to_string(&path).expect("read");
    let text = text.replacen(
        "-- (nothing to do)\n",
        "CREATE TABLE slow_a (id int);\n\
         SELECT pg_sleep(CASE WHEN current_setting('retort_test.slow', true) = 'on' THEN 60 ELSE 0 END);\n\
         CREATE TABLE slow_b (id int);\n",
        1,
    );
    std::fs::write(&path, text).expect("write");
    retort(dir, &["hash"], &[]).ok();
    db.execute(&format!(
        "ALTER DATABASE \"{}\" SET retort_test.slow = 'on'",
        db.name()
    ))
    .await;

    let child = command(dir, &["upgrade", "head"], &with_db)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let client = db.client().await;
    let deadline = Instant::now() + Duration::from_secs(20);
    let pid: i32 = loop {
        let row = client
            .query_opt(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
                 AND query LIKE 'SELECT pg_sleep%' AND pid <> pg_backend_pid()",
                &[],
            )
            .await
            .expect("pg_stat_activity");
        if let Some(row) = row {
            break row.get(0);
        }
        assert!(
            Instant::now() < deadline,
            "the revision never reached its sleep"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    client
        .execute("SELECT pg_terminate_backend($1)", &[&pid])
        .await
        .expect("terminate");
    let output = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("slow1"), "{stderr}");

    // Nothing of it remains; the database is at the previous revision.
    let exists = client
        .query_one("SELECT to_regclass('public.slow_a') IS NOT NULL", &[])
        .await
        .expect("query");
    assert!(!exists.get::<_, bool>(0));
    let now = retort(dir, &["current"], &with_db).ok().to_owned();
    assert!(now.starts_with(&first.replace(" (head)", "")), "{now}");
    assert!(now.contains("1 revision(s) not applied"), "{now}");

    // The next upgrade finishes the job.
    db.execute(&format!(
        "ALTER DATABASE \"{}\" RESET retort_test.slow",
        db.name()
    ))
    .await;
    let out = retort(dir, &["upgrade", "head"], &with_db).ok().to_owned();
    assert!(out.contains("slow1 (head), slow"), "{out}");
    let exists = client
        .query_one("SELECT to_regclass('public.slow_b') IS NOT NULL", &[])
        .await
        .expect("query");
    assert!(exists.get::<_, bool>(0));
}

/// The offline head and schema give the same revision, byte for byte, as the exact ones (the
/// history replayed and the schema loaded in scratch databases on a development server).
#[tokio::test]
async fn offline_and_exact_revisions_are_the_same_file() {
    let db = TestDb::new().await;
    let dev = db.server().url_for("postgres");
    let project = tempfile::tempdir().expect("temporary directory");
    let dir = project.path();
    retort(dir, &["init"], &[]).ok();
    let mut previous: Vec<String> = Vec::new();
    for (step, schema) in [SCHEMA_V1, SCHEMA_V2].iter().enumerate() {
        write(dir, "schema/app.sql", schema);
        let message = format!("step {step}");
        let args = [
            "revision",
            "-m",
            message.as_str(),
            "--allow-hazards",
            "data-loss",
        ];
        retort(dir, &args, &[]).ok();
        let files = migration_files(dir);
        let new = files
            .iter()
            .find(|f| !previous.contains(f))
            .expect("a new file")
            .clone();
        let offline = std::fs::read_to_string(dir.join("migrations").join(&new)).expect("read");
        std::fs::remove_file(dir.join("migrations").join(&new)).expect("rm");
        retort(dir, &["hash"], &[]).ok();
        let mut exact_args = args.to_vec();
        exact_args.extend(["--dev-url", dev.as_str()]);
        retort(dir, &exact_args, &[]).ok();
        let exact = std::fs::read_to_string(dir.join("migrations").join(&new))
            .expect("the exact revision has the same name");
        assert_eq!(offline, exact, "step {step}");
        previous = migration_files(dir);
    }
}

/// `--concurrent-indexes`: a new index on a table that exists is built concurrently, after the
/// revision's transaction; one on a new table stays in it. The revision applies, the index is
/// valid, and the history still replays to the schema.
#[tokio::test]
async fn indexes_on_existing_tables_can_be_built_concurrently() {
    let db = TestDb::new().await;
    let url = db.url();
    let with_db = [("DATABASE_URL", url.as_str())];
    let project = project_with("CREATE TABLE t (id int PRIMARY KEY, email text);\n");
    let dir = project.path();
    retort(dir, &["upgrade"], &with_db).ok();
    db.execute("INSERT INTO t SELECT g, 'user' || g FROM generate_series(1, 1000) g")
        .await;
    write(
        dir,
        "schema/app.sql",
        "CREATE TABLE t (id int PRIMARY KEY, email text);\n\
         CREATE INDEX t_email ON t (email);\n\
         CREATE TABLE u (id int PRIMARY KEY, name text);\n\
         CREATE INDEX u_name ON u (name);\n",
    );
    let out = retort(
        dir,
        &["revision", "-m", "indexes", "--concurrent-indexes"],
        &[],
    )
    .ok()
    .to_owned();
    let file = written(&out);
    let text = std::fs::read_to_string(dir.join(&file)).expect("read");
    let up = &text[..text.find("-- retort:down").expect("a down section")];
    let commit = up.find("COMMIT;").expect("a transaction");
    let concurrent = up
        .find("CREATE INDEX CONCURRENTLY t_email ON public.t")
        .expect("t_email is built concurrently");
    assert!(concurrent > commit, "after the transaction:\n{up}");
    assert!(up.contains("CREATE INDEX u_name ON public.u"), "{up}");
    assert!(up.contains("-- hazard not-transactional:"), "{up}");

    retort(dir, &["upgrade"], &with_db).ok();
    let client = db.client().await;
    let valid = client
        .query_one(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.t_email'::regclass",
            &[],
        )
        .await
        .expect("the index exists");
    assert!(valid.get::<_, bool>(0));
    same_schema(dir, &url, "schema");
    let run = retort(dir, &["revision", "-m", "again"], &[]);
    assert!(run.fails(1).contains("no changes"), "{}", run.stderr);
    retort(dir, &["downgrade", "-1"], &with_db).ok();
    retort(dir, &["upgrade"], &with_db).ok();
    same_schema(dir, &url, "schema");
}

/// A database that records a revision no file holds (a deleted file, another branch's
/// revision) is reported by `current` and refused by `upgrade`.
#[tokio::test]
async fn a_recorded_revision_without_a_file_is_reported() {
    let db = TestDb::new().await;
    let url = db.url();
    let with_db = [("DATABASE_URL", url.as_str())];
    let project = project_with("CREATE TABLE t (id int);\n");
    let dir = project.path();
    retort(dir, &["upgrade"], &with_db).ok();
    write(dir, "schema/u.sql", "CREATE TABLE u (id int);\n");
    retort(
        dir,
        &["revision", "-m", "second", "--rev-id", "second1"],
        &[],
    )
    .ok();
    retort(dir, &["upgrade"], &with_db).ok();
    let file = migration_files(dir)
        .into_iter()
        .find(|f| f.contains("second1"))
        .expect("the second file");
    std::fs::remove_file(dir.join("migrations").join(file)).expect("rm");
    retort(dir, &["hash"], &[]).ok();
    let out = retort(dir, &["current"], &with_db).ok().to_owned();
    assert!(
        out.contains(
            "warning: revision second1 is recorded as applied but no migration file holds it"
        ),
        "{out}"
    );
    let run = retort(dir, &["upgrade"], &with_db);
    assert!(
        run.fails(2)
            .contains("records revision second1 that no migration file holds"),
        "{}",
        run.stderr
    );
}
