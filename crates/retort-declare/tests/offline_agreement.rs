//! The offline loader against PostgreSQL itself: every schema below is loaded into a fresh
//! database and introspected (exact), and read offline by `retort_declare::load`; the two
//! catalogs are compared object by object.
//!
//! Sources: the catalog fixtures, the user-style fixtures in `fixtures/declare/`, and both sides
//! of every case of the shared conformance corpus (`RETORT_CONFORMANCE_DIR`, else
//! `../shared/conformance`; when it is absent this says so and checks the rest).
//!
//! On PostgreSQL 15, whose printing the offline forms reproduce, every schema must agree and
//! nothing may differ without the loader reporting an approximation; on other majors the
//! figures are reported only. A report of every disagreement is written to
//! `offline-agreement.txt` in the test's temporary target directory; its path and the counts
//! are printed.

mod common;
use common::objects;

use std::fmt::Write as _;

use futures_util::StreamExt;
use retort_catalog::Catalog;
use retort_introspect::{IntrospectOptions, introspect};
use retort_testkit::conformance::{cases, corpus_dir};
use retort_testkit::{Server, TestDb};
use serde_json::Value;

/// One schema to compare.
struct Source {
    id: String,
    sql: String,
    roles: Vec<String>,
}

/// How one schema came out.
#[derive(Default)]
struct Outcome {
    /// Objects on either side, and how many are equal.
    objects: usize,
    equal: usize,
    /// `kind key: field: exact vs offline` for each disagreement.
    differences: Vec<String>,
    /// The offline loader refused the schema.
    error: Option<String>,
    approximations: usize,
}

/// Field-level differences of two JSON values.
fn differences(path: &str, exact: &Value, offline: &Value, out: &mut Vec<String>) {
    match (exact, offline) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                let null = Value::Null;
                differences(
                    &format!("{path}.{k}"),
                    a.get(k).unwrap_or(&null),
                    b.get(k).unwrap_or(&null),
                    out,
                );
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                differences(&format!("{path}[{i}]"), x, y, out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{path}: exact {a} / offline {b}")),
    }
}

fn compare(exact: &Catalog, offline: &Catalog) -> Outcome {
    let a = objects(exact);
    let b = objects(offline);
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let mut outcome = Outcome::default();
    for key in keys {
        outcome.objects += 1;
        match (a.get(key), b.get(key)) {
            (Some(x), Some(y)) if x == y => outcome.equal += 1,
            (Some(x), Some(y)) => {
                let mut d = Vec::new();
                differences("", x, y, &mut d);
                for line in d {
                    outcome.differences.push(format!("~ {key}{line}"));
                }
            }
            (Some(_), None) => outcome.differences.push(format!("- {key}: only exact")),
            (None, Some(_)) => outcome.differences.push(format!("+ {key}: only offline")),
            (None, None) => {}
        }
    }
    outcome
}

async fn check(source: &Source) -> Result<Outcome, String> {
    let db = TestDb::new().await;
    for role in &source.roles {
        db.create_role_if_missing(role).await;
    }
    db.try_execute(&source.sql)
        .await
        .map_err(|e| format!("does not load: {e}"))?;
    let client = db.client().await;
    let exact = introspect(&client, &IntrospectOptions::default())
        .await
        .map_err(|e| e.to_string())?;
    if !exact.unsupported.is_empty() {
        return Err("has objects retort does not manage".to_owned());
    }
    match retort_declare::load::load_sql(&source.id, &source.sql) {
        Ok(loaded) => {
            let mut outcome = compare(&exact.catalog, &loaded.catalog);
            outcome.approximations = loaded.approximations.len();
            Ok(outcome)
        }
        Err(e) => Ok(Outcome {
            objects: exact.catalog.object_count(),
            error: Some(e.to_string()),
            ..Outcome::default()
        }),
    }
}

fn sources(version: u32) -> (Vec<Source>, Vec<Source>, bool) {
    let mut local = Vec::new();
    for fixture in retort_testkit::fixtures::supported_catalog_fixtures(version) {
        local.push(Source {
            id: format!("fixtures/catalog/{}", fixture.name),
            sql: fixture.sql.clone(),
            // The fixtures grant to and name this role in policies.
            roles: vec!["retort_app".to_owned()],
        });
    }
    let declare_dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/declare");
    let mut files: Vec<_> = std::fs::read_dir(&declare_dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    for path in files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
    {
        local.push(Source {
            id: format!(
                "fixtures/declare/{}",
                path.file_name().and_then(|n| n.to_str()).unwrap_or("?")
            ),
            sql: std::fs::read_to_string(&path).expect("fixture readable"),
            roles: Vec::new(),
        });
    }
    let root = corpus_dir();
    let mut corpus = Vec::new();
    let present = root.is_dir();
    for case in cases(&root).into_iter().filter(|c| c.supported_by(version)) {
        for side in ["from.sql", "to.sql"] {
            corpus.push(Source {
                id: format!("{}/{side}", case.id),
                sql: case.side(side).expect("corpus readable"),
                roles: case.roles.clone(),
            });
        }
    }
    (local, corpus, present)
}

struct Tally {
    schemas: usize,
    agreeing: usize,
    objects: usize,
    equal: usize,
    /// Schemas that differ although the loader reported nothing approximated: silent errors.
    silent: Vec<String>,
    /// Schemas that differ, by id.
    disagreeing: Vec<String>,
}

async fn run(sources: &[Source], report: &mut String, title: &str) -> Tally {
    let results: Vec<(&Source, Result<Outcome, String>)> = futures_util::stream::iter(sources)
        .map(|s| async move { (s, check(s).await) })
        .buffered(4)
        .collect()
        .await;
    let mut tally = Tally {
        schemas: 0,
        agreeing: 0,
        objects: 0,
        equal: 0,
        silent: Vec::new(),
        disagreeing: Vec::new(),
    };
    let _ = writeln!(report, "\n# {title}");
    for (source, result) in results {
        match result {
            Err(e) => {
                let _ = writeln!(report, "\n## {} (not compared: {e})", source.id);
            }
            Ok(outcome) => {
                tally.schemas += 1;
                tally.objects += outcome.objects;
                tally.equal += outcome.equal;
                let agrees = outcome.error.is_none() && outcome.differences.is_empty();
                if agrees {
                    tally.agreeing += 1;
                    continue;
                }
                tally.disagreeing.push(source.id.clone());
                if outcome.error.is_none() && outcome.approximations == 0 {
                    tally.silent.push(source.id.clone());
                }
                let _ = writeln!(
                    report,
                    "\n## {}: {}/{} objects equal, {} approximations",
                    source.id, outcome.equal, outcome.objects, outcome.approximations
                );
                if let Some(e) = &outcome.error {
                    let _ = writeln!(report, "offline error: {e}");
                }
                for d in &outcome.differences {
                    let _ = writeln!(report, "{d}");
                }
            }
        }
    }
    tally
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_catalogs_agree_with_the_server() {
    let version = Server::shared().await.server_version_num();
    let (local, corpus, present) = sources(version);
    let mut report = String::new();
    let l = run(&local, &mut report, "fixtures").await;
    let c = run(&corpus, &mut report, "conformance corpus").await;
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("offline-agreement.txt");
    std::fs::write(&path, &report).expect("report written");
    eprintln!(
        "offline vs exact, fixtures: {}/{} schemas agree, {}/{} objects ({:.1}%)",
        l.agreeing,
        l.schemas,
        l.equal,
        l.objects,
        percent(l.equal, l.objects)
    );
    if present {
        eprintln!(
            "offline vs exact, conformance corpus: {}/{} schemas agree ({:.1}%), {}/{} objects ({:.1}%)",
            c.agreeing,
            c.schemas,
            percent(c.agreeing, c.schemas),
            c.equal,
            c.objects,
            percent(c.equal, c.objects)
        );
    } else {
        eprintln!(
            "conformance corpus not found at {}: set RETORT_CONFORMANCE_DIR to measure it",
            corpus_dir().display()
        );
    }
    eprintln!("every disagreement: {}", path.display());

    // The offline forms are PostgreSQL 15's; other majors print some of them differently
    // (view definitions above all), so there the figures are only reported.
    if version / 10_000 != 15 {
        eprintln!(
            "PostgreSQL {}: agreement reported, not required",
            version / 10_000
        );
        return;
    }
    // Nothing differs without a warning: where the offline form may not be PostgreSQL's, the
    // loader says so.
    let silent: Vec<&String> = l.silent.iter().chain(&c.silent).collect();
    assert!(
        silent.is_empty(),
        "offline differs from the server without an approximation reported: {silent:?} (see {})",
        path.display()
    );
    // Every fixture, hand-written ones included, and every schema of the corpus reads offline
    // exactly as the server stores it.
    let disagreeing: Vec<&String> = l.disagreeing.iter().chain(&c.disagreeing).collect();
    assert!(
        disagreeing.is_empty(),
        "offline differs from the server: {disagreeing:?} (see {})",
        path.display()
    );
    assert_eq!(l.agreeing, local.len(), "every fixture was compared");
    if present {
        assert_eq!(c.agreeing, corpus.len(), "every corpus schema was compared");
    }
}

/// Stored forms that PostgreSQL itself does not read back to the same form, so neither does
/// the canonicalizer: a cast applied directly to `ARRAY[...]` is pushed into its elements, so
/// `(ARRAY['a'::character varying])::text[]` (how `varchar_col IN ('a')` is stored) reads
/// back as `ARRAY[('a'::character varying)::text]`.
const NOT_FIXED_POINTS: &[&str] = &["::character varying])::text[]"];

/// TOML written from what the server stores reads back offline, canonicalized, to the same
/// catalog: canonical text is a fixed point of the canonicalizer (except where it is not one
/// of PostgreSQL either, [`NOT_FIXED_POINTS`]).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn toml_of_the_fixtures_reads_back_offline_to_the_same_catalog() {
    if !retort_testkit::server_is_major(
        15,
        "toml_of_the_fixtures_reads_back_offline_to_the_same_catalog",
    )
    .await
    {
        return;
    }
    let version = Server::shared().await.server_version_num();
    let (local, _, _) = sources(version);
    let mut failures = Vec::new();
    for source in &local {
        let db = TestDb::new().await;
        for role in &source.roles {
            db.create_role_if_missing(role).await;
        }
        db.execute(&source.sql).await;
        let client = db.client().await;
        let exact = introspect(&client, &IntrospectOptions::default())
            .await
            .expect("introspects");
        let toml = retort_declare::toml_format::write(&exact.catalog).expect("TOML written");
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::write(dir.path().join("schema.toml"), &toml).expect("write");
        let schema = retort_declare::SchemaSource::load(dir.path()).expect("schema found");
        let loaded = retort_declare::load::load(&schema).unwrap_or_else(|e| panic!("{e}"));
        let outcome = compare(&exact.catalog, &loaded.catalog);
        let unexpected: Vec<&String> = outcome
            .differences
            .iter()
            .filter(|d| !NOT_FIXED_POINTS.iter().any(|known| d.contains(known)))
            .collect();
        if !unexpected.is_empty() {
            let lines: Vec<&str> = unexpected.iter().map(|d| d.as_str()).collect();
            failures.push(format!("{}:\n{}", source.id, lines.join("\n")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
