//! Round trip over the shared conformance corpus: every `from.sql` and `to.sql` is loaded into a
//! fresh database, introspected, rendered with `render_catalog`, loaded into another database
//! and introspected again; the two catalogs must be equal.
//!
//! The corpus is read in place from `RETORT_CONFORMANCE_DIR`, else `../shared/conformance`
//! beside the repository. A clone without it passes this test with a plain message saying so;
//! with it, every case must pass.

mod common;

use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use retort_introspect::IntrospectOptions;
use retort_testkit::{Server, TestDb};

fn corpus_dir() -> PathBuf {
    match std::env::var_os("RETORT_CONFORMANCE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance"),
    }
}

struct Case {
    id: String,
    dir: PathBuf,
    roles: Vec<String>,
    min_version_num: Option<u32>,
}

fn string_list(meta: &serde_json::Value, pointer: &str) -> Vec<String> {
    meta.pointer(pointer)
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn cases(root: &Path) -> Vec<Case> {
    let mut out = Vec::new();
    for source in ["apgdiff", "migra"] {
        let Ok(entries) = std::fs::read_dir(root.join(source)) else {
            continue;
        };
        let mut dirs: Vec<PathBuf> = entries
            .map(|e| e.expect("readable entry").path())
            .filter(|p| p.join("meta.json").is_file())
            .collect();
        dirs.sort();
        for dir in dirs {
            let text = std::fs::read_to_string(dir.join("meta.json")).expect("meta.json readable");
            let meta: serde_json::Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: bad meta.json: {e}", dir.display()));
            let mut roles = string_list(&meta, "/required_roles");
            roles.extend(string_list(&meta, "/flags/peer_setup_roles"));
            roles.sort();
            roles.dedup();
            // "min_pg_version" is a major number such as 14.
            let min_version_num = meta
                .get("min_pg_version")
                .and_then(|v| v.as_u64())
                .map(|major| u32::try_from(major * 10_000).unwrap_or(u32::MAX));
            out.push(Case {
                id: format!(
                    "{source}/{}",
                    dir.file_name().and_then(|n| n.to_str()).unwrap_or("?")
                ),
                dir,
                roles,
                min_version_num,
            });
        }
    }
    out
}

/// Cases that cannot round-trip yet, with the reason. Keep this list short and honest.
const KNOWN_FAILURES: &[(&str, &str)] = &[];

/// Some cases are `pg_dump` output with table data (`COPY ... FROM stdin;` followed by rows and
/// a `\.` line), which only psql can feed to the server. Rows are not schema: drop them.
fn without_copy_data(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut in_copy = false;
    for line in sql.lines() {
        if in_copy {
            if line == "\\." {
                in_copy = false;
            }
            continue;
        }
        if line.starts_with("COPY ") && line.trim_end().ends_with("FROM stdin;") {
            in_copy = true;
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

async fn check_side(case: &Case, file: &str) -> Result<(), String> {
    let sql = std::fs::read_to_string(case.dir.join(file)).map_err(|e| e.to_string())?;
    let sql = without_copy_data(&sql);
    let roles: Vec<&str> = case.roles.iter().map(String::as_str).collect();
    let db = TestDb::new().await;
    for role in &roles {
        db.create_role_if_missing(role).await;
    }
    db.try_execute(&sql)
        .await
        .map_err(|e| format!("{file} does not load: {e}"))?;
    let first = common::try_read(&db, &IntrospectOptions::default()).await?;
    common::round_trip(&first.catalog, &roles)
        .await
        .map_err(|e| format!("{file}: {e}"))
}

#[test]
fn copy_data_is_dropped_and_schema_kept() {
    let sql = "CREATE TABLE t (a int);\nCOPY public.t (a) FROM stdin;\n1\n2\n\\.\nCREATE INDEX i ON t (a);\n";
    assert_eq!(
        without_copy_data(sql),
        "CREATE TABLE t (a int);\nCREATE INDEX i ON t (a);\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance_schemas_round_trip() {
    let root = corpus_dir();
    if !root.is_dir() {
        eprintln!(
            "conformance corpus not found at {}: set RETORT_CONFORMANCE_DIR to run it; nothing checked",
            root.display()
        );
        return;
    }
    let all = cases(&root);
    assert!(
        all.len() >= 100,
        "only {} cases under {}",
        all.len(),
        root.display()
    );
    let version = Server::shared().await.server_version_num();
    let runnable: Vec<&Case> = all
        .iter()
        .filter(|c| c.min_version_num.is_none_or(|min| version >= min))
        .collect();

    let results: Vec<(String, Result<(), String>)> = futures_util::stream::iter(
        runnable
            .iter()
            .flat_map(|case| ["from.sql", "to.sql"].map(move |file| (*case, file))),
    )
    .map(|(case, file)| async move { (case.id.clone(), check_side(case, file).await) })
    .buffer_unordered(4)
    .collect()
    .await;

    let mut failures: Vec<(String, String)> = results
        .into_iter()
        .filter_map(|(id, r)| r.err().map(|e| (id, e)))
        .collect();
    failures.sort();
    let unexpected: Vec<&(String, String)> = failures
        .iter()
        .filter(|(id, _)| !KNOWN_FAILURES.iter().any(|(k, _)| k == id))
        .collect();
    let fixed: Vec<&str> = KNOWN_FAILURES
        .iter()
        .filter(|(k, _)| !failures.iter().any(|(id, _)| id == k))
        .map(|(k, _)| *k)
        .collect();
    eprintln!(
        "conformance round trip: {} schemas from {} cases, {} failed ({} known)",
        runnable.len() * 2,
        runnable.len(),
        failures.len(),
        failures.len() - unexpected.len()
    );
    let mut report = String::new();
    for (id, e) in &unexpected {
        let short: String = e.chars().take(4_000).collect();
        report.push_str(&format!("\n=== {id}\n{short}\n"));
    }
    assert!(
        unexpected.is_empty() && fixed.is_empty(),
        "{} unexpected failures; known failures now passing: {fixed:?}{report}",
        unexpected.len()
    );
}
