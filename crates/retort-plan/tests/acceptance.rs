//! Migrations converge, against a real PostgreSQL: for every case of `fixtures/cases/`, `before`
//! is built in database A and `after` in database B, both are introspected (old, new), the
//! plan from old to new (with the rename hints of `after`, read offline) runs on A, and A must
//! then read as new; planning again must be empty; the down plan run on A must bring it back
//! to old. Cases with `data.sql` insert rows first, and `check.sql` / `check_down.sql` prove
//! they survive each direction (renames, type changes).
//!
//! Each case runs in its own databases, four at a time. Every failure is collected and
//! reported at the end with the case, the step that failed, the error and the script.

mod common;

use common::{Failure, FixtureCase, Scenario};
use futures_util::StreamExt;
use retort_testkit::Server;

async fn run(case: &FixtureCase) -> Result<(), Failure> {
    let side = |path: &std::path::Path, step: &'static str| {
        common::sql_of_side(path).map_err(|message| Failure { step, message })
    };
    let before_sql = side(&case.before, "read before")?;
    let after_sql = side(&case.after, "read after")?;
    let after = common::load_offline(&case.after).map_err(|message| Failure {
        step: "load after offline (for the rename hints)",
        message,
    })?;
    let scenario = Scenario {
        before_sql,
        after_sql,
        hints: common::hints_of(&after),
        roles: Vec::new(),
        data: case.extra("data.sql"),
        check_up: case.extra("check.sql"),
        check_down: case.extra("check_down.sql"),
        expect_change: true,
    };
    common::converge(&scenario).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_cases_converge() {
    let all = common::fixture_cases();
    let version = Server::shared().await.server_version_num();
    let (runnable, skipped): (Vec<&FixtureCase>, Vec<&FixtureCase>) = all
        .iter()
        .partition(|c| c.min_version_num().is_none_or(|min| version >= min));
    for case in &skipped {
        eprintln!(
            "{}: needs a newer server than {version}; not checked",
            case.id
        );
    }

    let mut failures: Vec<(String, Failure)> = futures_util::stream::iter(runnable.iter())
        .map(|case| async move { (case.id.clone(), run(case).await) })
        .buffer_unordered(4)
        .filter_map(|(id, r)| async move { r.err().map(|f| (id, f)) })
        .collect()
        .await;
    failures.sort_by(|a, b| a.0.cmp(&b.0));

    eprintln!(
        "fixture cases: {} run, {} passed, {} failed, {} skipped",
        runnable.len(),
        runnable.len() - failures.len(),
        failures.len(),
        skipped.len()
    );
    let summary: Vec<String> = failures
        .iter()
        .map(|(id, f)| format!("  {id}: {}", f.step))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases do not converge:\n{}\n{}",
        failures.len(),
        runnable.len(),
        summary.join("\n"),
        common::failure_report(&failures, 6_000)
    );
}
