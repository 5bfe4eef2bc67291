//! Round trip over the shared conformance corpus: every `from.sql` and `to.sql` is loaded into a
//! fresh database, introspected, rendered with `render_catalog`, loaded into another database
//! and introspected again; the two catalogs must be equal.
//!
//! The corpus is read in place from `RETORT_CONFORMANCE_DIR`, else `../shared/conformance`
//! beside the repository. A clone without it passes this test with a plain message saying so;
//! with it, every case must pass.

mod common;

use futures_util::StreamExt;
use retort_introspect::IntrospectOptions;
use retort_testkit::conformance::{Case, cases, corpus_dir};
use retort_testkit::{Server, TestDb};

/// Cases that cannot round-trip yet, with the reason. Keep this list short and honest.
const KNOWN_FAILURES: &[(&str, &str)] = &[];

async fn check_side(case: &Case, file: &str) -> Result<(), String> {
    let sql = case.side(file).map_err(|e| e.to_string())?;
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
    let runnable: Vec<&Case> = all.iter().filter(|c| c.supported_by(version)).collect();

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
