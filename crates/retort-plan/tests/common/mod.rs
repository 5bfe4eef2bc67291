//! Shared by the planner's tests (`cases`, `acceptance`, `conformance`): the fixture cases of
//! `fixtures/cases/`, offline loading, catalog comparison, and the convergence loop that runs
//! a plan against a real PostgreSQL.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use retort_catalog::{Catalog, RenameHints};
use retort_declare::SchemaSource;
use retort_declare::load::Loaded;
use retort_introspect::{IntrospectOptions, introspect};
use retort_testkit::TestDb;

/// `fixtures/cases/` at the root of the workspace.
pub fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cases")
}

/// One fixture case: `fixtures/cases/<area>/<case>/` with a `before` and an `after` side
/// (`.sql` or `.toml`), and optional `data.sql`, `check.sql` and `check_down.sql`.
#[derive(Clone, Debug)]
pub struct FixtureCase {
    /// `<area>/<case>`, e.g. `columns/add_with_default`.
    pub id: String,
    pub dir: PathBuf,
    pub before: PathBuf,
    pub after: PathBuf,
}

impl FixtureCase {
    /// The text of an optional file of the case (`data.sql`, `check.sql`, `check_down.sql`).
    pub fn extra(&self, file: &str) -> Option<String> {
        let path = self.dir.join(file);
        path.is_file().then(|| {
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        })
    }

    /// `server_version_num` the case needs, from a `-- requires: PostgreSQL <major>` line in
    /// either side.
    pub fn min_version_num(&self) -> Option<u32> {
        [&self.before, &self.after]
            .into_iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .flat_map(|text| {
                text.lines()
                    .filter_map(|l| l.trim().strip_prefix("-- requires: PostgreSQL "))
                    .filter_map(|m| m.trim().parse::<u32>().ok())
                    .collect::<Vec<_>>()
            })
            .max()
            .map(|major| major * 10_000)
    }
}

/// The side `stem` (`before` or `after`) of the case in `dir`: exactly one of `<stem>.sql` and
/// `<stem>.toml`.
fn side(dir: &Path, stem: &str) -> PathBuf {
    let found: Vec<PathBuf> = ["sql", "toml"]
        .into_iter()
        .map(|ext| dir.join(format!("{stem}.{ext}")))
        .filter(|p| p.is_file())
        .collect();
    match found.as_slice() {
        [one] => one.clone(),
        [] => panic!("{}: no {stem}.sql or {stem}.toml", dir.display()),
        _ => panic!("{}: both {stem}.sql and {stem}.toml", dir.display()),
    }
}

/// Every case under `fixtures/cases/<area>/<case>/`, in path order.
///
/// # Panics
/// When the folder is unreadable, has no cases, or a case lacks a side (test data).
pub fn fixture_cases() -> Vec<FixtureCase> {
    let root = cases_dir();
    let mut out = Vec::new();
    for area in sorted_dirs(&root) {
        for dir in sorted_dirs(&area) {
            let id = format!(
                "{}/{}",
                area.file_name()
                    .and_then(|n| n.to_str())
                    .expect("UTF-8 name"),
                dir.file_name()
                    .and_then(|n| n.to_str())
                    .expect("UTF-8 name"),
            );
            out.push(FixtureCase {
                id,
                before: side(&dir, "before"),
                after: side(&dir, "after"),
                dir,
            });
        }
    }
    assert!(!out.is_empty(), "no cases under {}", root.display());
    out
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// A side read offline (`retort_declare::load`), as `retort` reads declared files.
pub fn load_offline(path: &Path) -> Result<Loaded, String> {
    let source = SchemaSource::load(path).map_err(|e| e.to_string())?;
    retort_declare::load::load(&source).map_err(|e| e.to_string())
}

/// The rename hints declared by a side read offline (`-- retort:renamed-from` annotations in
/// SQL, `renamed_from` keys in TOML).
pub fn hints_of(loaded: &Loaded) -> RenameHints {
    loaded.renames.clone()
}

/// The SQL that builds a side in an empty database: an SQL side as written; a TOML side read
/// offline and written out by `render_catalog`.
pub fn sql_of_side(path: &Path) -> Result<String, String> {
    if path.extension().is_some_and(|e| e == "toml") {
        let loaded = load_offline(path)?;
        retort_sql::script::render_catalog(&loaded.catalog)
            .map_err(|e| format!("rendering {} failed: {e}", path.display()))
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// `catalog` with the columns of every table sorted by name.
///
/// Column order is not compared: `ALTER TABLE .. ADD COLUMN` appends, and retort does not
/// reorder columns (that would mean rebuilding the table), so a migrated database may list
/// columns in another order than one built from the declared files, and a down migration that
/// adds a dropped column back puts it last.
pub fn comparable(catalog: &Catalog) -> Catalog {
    let mut out = catalog.clone();
    for table in out.tables.values_mut() {
        table.columns.sort_by(|a, b| a.name.cmp(&b.name));
    }
    out
}

/// A unified diff of the JSON forms of two catalogs, or `None` when they are equal.
pub fn catalog_diff(expected: &Catalog, actual: &Catalog) -> Option<String> {
    if expected == actual {
        return None;
    }
    let a = serde_json::to_string_pretty(expected).expect("catalog serializes");
    let b = serde_json::to_string_pretty(actual).expect("catalog serializes");
    Some(
        similar::TextDiff::from_lines(&a, &b)
            .unified_diff()
            .context_radius(4)
            .header("expected", "actual")
            .to_string(),
    )
}

/// The catalog of a test database.
pub async fn try_read(db: &TestDb) -> Result<Catalog, String> {
    let client = db.client().await;
    introspect(&client, &IntrospectOptions::default())
        .await
        .map(|i| i.catalog)
        .map_err(|e| format!("introspecting {}: {e}", db.name()))
}

/// One run of the convergence loop.
#[derive(Clone, Debug, Default)]
pub struct Scenario {
    pub before_sql: String,
    pub after_sql: String,
    pub hints: RenameHints,
    /// Roles that must exist before a side loads.
    pub roles: Vec<String>,
    /// Rows inserted after `before` is built (in the database that is migrated).
    pub data: Option<String>,
    /// Run after the up migration (e.g. a `DO` block raising when a row is lost).
    pub check_up: Option<String>,
    /// Run after the down migration.
    pub check_down: Option<String>,
    /// The two sides must differ (fixture cases test a change; corpus cases need not).
    pub expect_change: bool,
}

/// Where the loop stopped, and why.
#[derive(Clone, Debug)]
pub struct Failure {
    pub step: &'static str,
    pub message: String,
}

fn fail<T>(step: &'static str, message: impl Into<String>) -> Result<T, Failure> {
    Err(Failure {
        step,
        message: message.into(),
    })
}

fn with_script(message: &str, script: &str) -> String {
    format!("{message}\n--- script ---\n{script}")
}

/// Builds `before` in database A and `after` in database B, plans A -> B and runs the script
/// on A, which must then read as B; planning again must give nothing; the down plan run on A
/// must bring it back to `before`. Catalogs are compared with [`comparable`].
pub async fn converge(s: &Scenario) -> Result<(), Failure> {
    let a = TestDb::new().await;
    let b = TestDb::new().await;
    for role in &s.roles {
        a.create_role_if_missing(role).await;
    }
    if let Err(e) = a.try_execute(&s.before_sql).await {
        return fail("build before", e);
    }
    if let Some(data) = &s.data
        && let Err(e) = a.try_execute(data).await
    {
        return fail("insert data", e);
    }
    if let Err(e) = b.try_execute(&s.after_sql).await {
        return fail("build after", e);
    }
    let old = try_read(&a)
        .await
        .or_else(|e| fail("introspect before", e))?;
    let new = try_read(&b)
        .await
        .or_else(|e| fail("introspect after", e))?;
    drop(b);
    if s.expect_change && comparable(&old) == comparable(&new) {
        return fail(
            "fixture",
            "before and after are the same catalog: the case tests nothing",
        );
    }

    // Up.
    let up = retort_plan::plan(&old, &new, &s.hints).or_else(|e| fail("plan up", e.to_string()))?;
    let script = up.to_sql();
    if let Err(e) = a.try_execute(&script).await {
        return fail("apply up", with_script(&e, &script));
    }
    let migrated = try_read(&a)
        .await
        .or_else(|e| fail("introspect after up", e))?;
    if let Some(diff) = catalog_diff(&comparable(&new), &comparable(&migrated)) {
        return fail(
            "compare after up",
            with_script(
                &format!("the migrated database differs from after (- after, + migrated)\n{diff}"),
                &script,
            ),
        );
    }
    // The rows, after the schema: a missing column shows as a diff, not as a failing query.
    if let Some(check) = &s.check_up
        && let Err(e) = a.try_execute(check).await
    {
        return fail("check data after up", with_script(&e, &script));
    }

    // Converged: nothing left to do.
    let again = retort_plan::plan(&migrated, &new, &s.hints)
        .or_else(|e| fail("re-plan after up", e.to_string()))?;
    if !again.is_empty() {
        return fail(
            "re-plan after up",
            format!(
                "planning again after the migration is not empty:\n{}",
                again.to_sql()
            ),
        );
    }

    // Down.
    let down = retort_plan::plan_down(&old, &new, &s.hints)
        .or_else(|e| fail("plan down", e.to_string()))?;
    let script = down.to_sql();
    if let Err(e) = a.try_execute(&script).await {
        return fail("apply down", with_script(&e, &script));
    }
    let back = try_read(&a)
        .await
        .or_else(|e| fail("introspect after down", e))?;
    if let Some(diff) = catalog_diff(&comparable(&old), &comparable(&back)) {
        return fail(
            "compare after down",
            with_script(
                &format!(
                    "the database after the down migration differs from before (- before, + after down)\n{diff}"
                ),
                &script,
            ),
        );
    }
    if let Some(check) = &s.check_down
        && let Err(e) = a.try_execute(check).await
    {
        return fail("check data after down", with_script(&e, &script));
    }
    Ok(())
}

/// The failures as one text: each case with the step that failed and the message (long
/// messages cut at `limit` characters).
pub fn failure_report(failures: &[(String, Failure)], limit: usize) -> String {
    let mut out = String::new();
    for (id, f) in failures {
        let mut message: String = f.message.chars().take(limit).collect();
        if message.len() < f.message.len() {
            message.push_str("\n[...]");
        }
        out.push_str(&format!("\n=== {id}: {} failed\n{message}\n", f.step));
    }
    out
}
