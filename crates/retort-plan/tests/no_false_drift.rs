//! No false drift: a database built from a schema checks clean against that same schema read
//! offline, as `retort check` compares them: `retort_diff::diff(actual, expected)` with no
//! rename hints must find no change and no rename, where `actual` is the database introspected
//! and `expected` is
//!
//! - (a) the schema as declared, read offline (`retort_declare::load`: an SQL side as SQL, a
//!   TOML side of a fixture case from its `.toml` file), and
//! - (b) the TOML that `retort inspect --format toml` prints for the database
//!   (`toml_format::write`), written to a `schema.toml` file and read back offline through
//!   `load()`, as `retort check` reads declared TOML.
//!
//! Schemas: both sides of every case of `fixtures/cases/` (data files left out) and both sides
//! of every case of the shared conformance corpus (`RETORT_CONFORMANCE_DIR`, else
//! `../shared/conformance`; when it is absent this says so and checks the fixtures). A side
//! that appears in several cases is checked once.
//!
//! A form whose offline load reports approximations may legitimately differ: it is counted
//! apart and does not fail the test. Any other drift fails it, with the schema, the changes and
//! the two forms of what differs. The offline forms are PostgreSQL 15's: on another major the
//! figures are reported only. Every result is written to `target/tmp/no-false-drift.txt`.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use retort_catalog::{Catalog, RenameHints};
use retort_declare::SchemaSource;
use retort_declare::load::Loaded;
use retort_diff::{Change, Diff, Rename};
use retort_introspect::{IntrospectOptions, introspect};
use retort_sql::migration::describe;
use retort_testkit::conformance::{cases, corpus_dir};
use retort_testkit::{Server, TestDb};

/// How the declared schema is read offline for form (a).
#[derive(Clone)]
enum Declared {
    /// SQL text, read with `load_sql`.
    Sql(String),
    /// A declared file (a fixture case's `.toml` side), read with `SchemaSource::load`.
    File(PathBuf),
}

/// One schema to check.
struct Source {
    /// `fixtures/cases/<area>/<case>/before.sql`, `<corpus case>/to.sql`, … (with the other
    /// cases that share the same side, if any).
    id: String,
    /// The SQL that builds it in an empty database.
    build: String,
    declared: Declared,
    roles: Vec<String>,
    /// Unique among the sources (names its temporary directory).
    number: usize,
}

/// How one offline form compared with the database.
enum Verdict {
    Clean,
    /// Drift, with approximations reported by the offline load.
    Approximated {
        approximations: usize,
        drift: String,
    },
    /// Drift without any approximation: false drift.
    Drifting {
        drift: String,
    },
    /// The offline load refused the schema (`retort check` would stop with an error).
    LoadError(String),
}

impl Verdict {
    fn label(&self) -> &'static str {
        match self {
            Verdict::Clean => "clean",
            Verdict::Approximated { .. } => "approximated",
            Verdict::Drifting { .. } => "DRIFT",
            Verdict::LoadError(_) => "ERROR",
        }
    }
}

/// What happened to one schema.
enum Outcome {
    /// Both forms compared.
    Checked { sql: Verdict, toml: Verdict },
    /// Not compared: the schema does not build, or holds objects retort does not manage.
    NotChecked(String),
}

/// The changes of a diff, one a line, objects named as migrations name them.
fn change_list(diff: &Diff<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for rename in &diff.renames {
        out.push(match rename {
            Rename::Object { from, to } => {
                format!("rename {} to {}", describe(from), describe(to))
            }
            Rename::EnumValue { type_id, from, to } => {
                format!("rename value {from:?} of {} to {to:?}", describe(type_id))
            }
        });
    }
    for change in &diff.changes {
        out.push(match change {
            Change::Create { id } => format!("missing {}", describe(id)),
            Change::Drop { id } => format!("unexpected {}", describe(id)),
            Change::Alter { id, attributes } => {
                let names: Vec<String> = attributes
                    .iter()
                    .map(|a| {
                        serde_json::to_value(a)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_else(|| format!("{a:?}"))
                    })
                    .collect();
                format!("changed {}: {}", describe(id), names.join(", "))
            }
        });
    }
    out
}

/// The drift of `expected` against `actual`: the change list, then the two catalogs where they
/// differ (columns compared regardless of order, as the differ does), cut at `limit`
/// characters.
fn drift_text(diff: &Diff<'_>, actual: &Catalog, expected: &Catalog, limit: usize) -> String {
    let mut out = change_list(diff).join("\n");
    if let Some(forms) =
        common::catalog_diff(&common::comparable(actual), &common::comparable(expected))
    {
        let forms = forms.replacen("--- expected", "--- database", 1).replacen(
            "+++ actual",
            "+++ offline",
            1,
        );
        let cut: String = forms.chars().take(limit).collect();
        out.push_str("\n(- database, + offline)\n");
        out.push_str(&cut);
        if cut.len() < forms.len() {
            out.push_str("\n[...]");
        }
    }
    out
}

fn verdict(actual: &Catalog, loaded: Result<Loaded, String>) -> Verdict {
    match loaded {
        Err(e) => Verdict::LoadError(e),
        Ok(loaded) => {
            let diff = retort_diff::diff(actual, &loaded.catalog, &RenameHints::default());
            if diff.is_empty() {
                Verdict::Clean
            } else if loaded.approximations.is_empty() {
                Verdict::Drifting {
                    drift: drift_text(&diff, actual, &loaded.catalog, 6_000),
                }
            } else {
                Verdict::Approximated {
                    approximations: loaded.approximations.len(),
                    drift: drift_text(&diff, actual, &loaded.catalog, 2_000),
                }
            }
        }
    }
}

/// The TOML `retort inspect --format toml` prints for `actual`, written to `schema.toml` in a
/// directory of its own and read back offline as `retort check` reads declared files.
fn toml_round_trip(actual: &Catalog, number: usize) -> Result<Loaded, String> {
    let toml =
        retort_declare::toml_format::write(actual).map_err(|e| format!("writing TOML: {e}"))?;
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("no-false-drift")
        .join(format!("{}-{number}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join("schema.toml");
    std::fs::write(&path, &toml).map_err(|e| format!("{}: {e}", path.display()))?;
    let loaded = SchemaSource::load(&path)
        .map_err(|e| e.to_string())
        .and_then(|source| retort_declare::load::load(&source).map_err(|e| e.to_string()));
    let _ = std::fs::remove_dir_all(&dir);
    loaded
}

async fn check(source: &Source) -> Outcome {
    let db = TestDb::new().await;
    for role in &source.roles {
        db.create_role_if_missing(role).await;
    }
    if let Err(e) = db.try_execute(&source.build).await {
        return Outcome::NotChecked(format!("does not build: {e}"));
    }
    let client = db.client().await;
    let exact = match introspect(&client, &IntrospectOptions::default()).await {
        Ok(exact) => exact,
        Err(e) => return Outcome::NotChecked(format!("introspection failed: {e}")),
    };
    drop(client);
    // Dropping a test database blocks its thread until the server is done: not a worker's.
    let _ = tokio::task::spawn_blocking(move || drop(db)).await;
    if !exact.unsupported.is_empty() {
        return Outcome::NotChecked(format!(
            "has {} objects retort does not manage",
            exact.unsupported.len()
        ));
    }
    let actual = exact.catalog;
    let declared = match &source.declared {
        Declared::Sql(sql) => {
            retort_declare::load::load_sql(&source.id, sql).map_err(|e| e.to_string())
        }
        Declared::File(path) => common::load_offline(path),
    };
    let sql = verdict(&actual, declared);
    let toml = verdict(&actual, toml_round_trip(&actual, source.number));
    Outcome::Checked { sql, toml }
}

/// Adds `source`, or the id of its case to the source already holding the same schema.
fn add(sources: &mut Vec<Source>, seen: &mut BTreeMap<(String, Vec<String>), usize>, s: Source) {
    let text = match &s.declared {
        Declared::Sql(sql) => sql.clone(),
        Declared::File(path) => format!("{}\n{}", path.display(), s.build),
    };
    let key = (format!("{}\n{text}", s.build), s.roles.clone());
    match seen.get(&key) {
        Some(&i) => {
            let _ = write!(sources[i].id, ", {}", s.id);
        }
        None => {
            seen.insert(key, sources.len());
            sources.push(s);
        }
    }
}

/// The fixture sides and the corpus sides the server supports, and whether the corpus exists.
fn sources(version: u32) -> (Vec<Source>, Vec<Source>, usize, bool) {
    let mut fixtures = Vec::new();
    let mut seen = BTreeMap::new();
    let mut skipped = 0;
    for case in common::fixture_cases() {
        if case.min_version_num().is_some_and(|min| version < min) {
            skipped += 2;
            continue;
        }
        for path in [&case.before, &case.after] {
            let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
            let id = format!("fixtures/cases/{}/{file}", case.id);
            let build = common::sql_of_side(path).unwrap_or_else(|e| panic!("{id}: {e}"));
            let declared = if path.extension().is_some_and(|e| e == "toml") {
                Declared::File(path.clone())
            } else {
                Declared::Sql(build.clone())
            };
            add(
                &mut fixtures,
                &mut seen,
                Source {
                    id,
                    build,
                    declared,
                    roles: Vec::new(),
                    number: 0,
                },
            );
        }
    }
    let root = corpus_dir();
    let present = root.is_dir();
    let mut corpus = Vec::new();
    let mut seen = BTreeMap::new();
    for case in cases(&root) {
        if !case.supported_by(version) {
            skipped += 2;
            continue;
        }
        for side in ["from.sql", "to.sql"] {
            let sql = case
                .side(side)
                .unwrap_or_else(|e| panic!("{}/{side}: {e}", case.id));
            add(
                &mut corpus,
                &mut seen,
                Source {
                    id: format!("{}/{side}", case.id),
                    build: sql.clone(),
                    declared: Declared::Sql(sql),
                    roles: case.roles.clone(),
                    number: 0,
                },
            );
        }
    }
    for (number, source) in fixtures.iter_mut().chain(&mut corpus).enumerate() {
        source.number = number;
    }
    (fixtures, corpus, skipped, present)
}

#[derive(Default)]
struct Tally {
    schemas: usize,
    clean: usize,
    approximated: usize,
    /// Schema, form and change list of each false drift.
    drifting: Vec<(String, String)>,
    load_errors: Vec<String>,
    not_checked: usize,
}

async fn run(sources: &[Source], title: &str, report: &mut String) -> Tally {
    let mut results: Vec<(&Source, Outcome)> = futures_util::stream::iter(sources)
        .map(|s| async move { (s, check(s).await) })
        .buffer_unordered(4)
        .collect()
        .await;
    results.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    let mut tally = Tally::default();
    let mut details = String::new();
    let _ = writeln!(report, "\n# {title}\n");
    for (source, outcome) in &results {
        let (sql, toml) = match outcome {
            Outcome::NotChecked(why) => {
                tally.not_checked += 1;
                let _ = writeln!(report, "skip  {}: {why}", source.id);
                continue;
            }
            Outcome::Checked { sql, toml } => (sql, toml),
        };
        tally.schemas += 1;
        let verdicts = [("declared", sql), ("inspected TOML", toml)];
        let drifts: Vec<String> = verdicts
            .iter()
            .filter_map(|(form, v)| match v {
                Verdict::Drifting { drift } => Some(format!("{form} form:\n{drift}")),
                _ => None,
            })
            .collect();
        if !drifts.is_empty() {
            tally.drifting.push((source.id.clone(), drifts.join("\n")));
        } else if verdicts
            .iter()
            .any(|(_, v)| matches!(v, Verdict::LoadError(_)))
        {
            tally.load_errors.push(source.id.clone());
        } else if verdicts
            .iter()
            .any(|(_, v)| matches!(v, Verdict::Approximated { .. }))
        {
            tally.approximated += 1;
        } else {
            tally.clean += 1;
        }
        let _ = writeln!(
            report,
            "{:<12} {:<12} {}",
            sql.label(),
            toml.label(),
            source.id
        );
        for (form, v) in verdicts {
            let text = match v {
                Verdict::Clean => continue,
                Verdict::Approximated {
                    approximations,
                    drift,
                } => format!("{approximations} approximations reported\n{drift}"),
                Verdict::Drifting { drift } => format!("no approximation reported\n{drift}"),
                Verdict::LoadError(e) => format!("offline load failed: {e}"),
            };
            let _ = writeln!(
                details,
                "\n## {} ({form} form): {}\n{text}",
                source.id,
                v.label()
            );
        }
    }
    report.push_str(&details);
    tally
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn built_schemas_check_clean_against_their_offline_forms() {
    let version = Server::shared().await.server_version_num();
    let (fixtures, corpus, skipped, present) = sources(version);
    let mut report = String::new();
    let f = run(&fixtures, "fixtures/cases", &mut report).await;
    let c = run(&corpus, "conformance corpus", &mut report).await;
    if !present {
        eprintln!(
            "conformance corpus not found at {}: set RETORT_CONFORMANCE_DIR to check it; fixtures only",
            corpus_dir().display()
        );
    }
    let drifting: Vec<&(String, String)> = f.drifting.iter().chain(&c.drifting).collect();
    let load_errors: Vec<&String> = f.load_errors.iter().chain(&c.load_errors).collect();
    let headline = format!(
        "no false drift: {} schemas checked ({} fixture, {} corpus), {} clean, {} approximated, \
         {} drifting, {} offline load errors; {} not checked (do not build or unmanaged), {} \
         sides skipped by server version",
        f.schemas + c.schemas,
        f.schemas,
        c.schemas,
        f.clean + c.clean,
        f.approximated + c.approximated,
        drifting.len(),
        load_errors.len(),
        f.not_checked + c.not_checked,
        skipped
    );
    report.insert_str(
        0,
        &format!(
            "{headline}\n\nPostgreSQL {version}. Columns: declared form, inspected TOML form, \
             schema.\n"
        ),
    );
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-false-drift.txt");
    std::fs::write(&path, &report).expect("write the report");
    eprintln!("{headline}; report in {}", path.display());

    if version / 10_000 != 15 {
        eprintln!(
            "PostgreSQL {}: the offline forms are PostgreSQL 15's; figures reported, not required",
            version / 10_000
        );
        return;
    }
    assert!(
        f.not_checked == 0,
        "{} fixture sides were not checked (see {})",
        f.not_checked,
        path.display()
    );
    let drift: Vec<String> = drifting
        .iter()
        .map(|(id, changes)| format!("=== {id}: drifts without an approximation\n{changes}"))
        .collect();
    assert!(
        drifting.is_empty() && load_errors.is_empty(),
        "{} schemas drift falsely, {} do not load offline {load_errors:?} (see {})\n{}",
        drifting.len(),
        load_errors.len(),
        path.display(),
        drift.join("\n\n")
    );
}
