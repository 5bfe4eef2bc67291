//! The fixture cases of `fixtures/cases/` planned offline (no database): both sides are read
//! with `retort_declare::load`, and the up and down scripts are snapshotted next to the case
//! (`up.snap`, `down.snap`). For every case:
//! - `plan(x, x)` is empty for both sides;
//! - planning twice gives the same plan, byte for byte;
//! - when the sides differ, neither the up nor the down plan is empty;
//! - every statement of both plans parses with `retort_declare::sql`.
//!
//! Every failure is collected and reported at the end; a snapshot that differs is written as
//! `<name>.snap.new` beside the case (`INSTA_UPDATE=always` writes the `.snap` itself).

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};

use common::FixtureCase;
use retort_catalog::{Catalog, RenameHints};
use retort_plan::{Plan, plan, plan_down};

/// Every statement of `plan` that `retort_declare::sql` cannot parse, with the reason.
fn unparsed(plan: &Plan) -> Vec<String> {
    plan.steps()
        .flat_map(|s| s.statements.iter())
        .filter_map(|statement| {
            retort_declare::sql::parse_statement_text(statement)
                .err()
                .map(|(at, message)| format!("{message} (at byte {at}) in:\n{statement}"))
        })
        .collect()
}

/// `plan(x, x)` must be empty.
fn check_identity(errors: &mut Vec<String>, side: &str, catalog: &Catalog, hints: &RenameHints) {
    match plan(catalog, catalog, hints) {
        Ok(p) if p.is_empty() => {}
        Ok(p) => errors.push(format!(
            "plan({side}, {side}) is not empty:\n{}",
            p.to_sql()
        )),
        Err(e) => errors.push(format!("plan({side}, {side}) fails: {e}")),
    }
}

/// The plan in one direction, checked: deterministic, non-empty when the sides differ, every
/// statement parses. `None` when it cannot be made.
fn checked(
    errors: &mut Vec<String>,
    direction: &str,
    differ: bool,
    make: impl Fn() -> Result<Plan, retort_plan::PlanError>,
) -> Option<Plan> {
    let first = match make() {
        Ok(p) => p,
        Err(e) => {
            errors.push(format!("the {direction} plan fails: {e}"));
            return None;
        }
    };
    match make() {
        Ok(second) if second == first && second.to_sql() == first.to_sql() => {}
        Ok(second) => errors.push(format!(
            "the {direction} plan differs when made twice:\n--- first ---\n{}\n--- second ---\n{}",
            first.to_sql(),
            second.to_sql()
        )),
        Err(e) => errors.push(format!("the {direction} plan fails the second time: {e}")),
    }
    if differ && first.is_empty() {
        errors.push(format!(
            "the {direction} plan is empty, but before and after differ"
        ));
    }
    for e in unparsed(&first) {
        errors.push(format!(
            "a statement of the {direction} plan does not parse: {e}"
        ));
    }
    Some(first)
}

/// Compares `sql` with `<case>/<name>.snap`; a mismatch is an error, not a panic.
fn snapshot(errors: &mut Vec<String>, case: &FixtureCase, name: &str, sql: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(&case.dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_input_file(&case.after);
    settings.set_description(format!("{name} plan of {}", case.id));
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(name, sql));
    }));
    if outcome.is_err() {
        errors.push(format!(
            "{name}.snap does not match (the new one is {name}.snap.new)"
        ));
    }
}

fn check_case(case: &FixtureCase) -> Vec<String> {
    let mut errors = Vec::new();
    let before = match common::load_offline(&case.before) {
        Ok(l) => l,
        Err(e) => return vec![format!("before does not load offline: {e}")],
    };
    let after = match common::load_offline(&case.after) {
        Ok(l) => l,
        Err(e) => return vec![format!("after does not load offline: {e}")],
    };
    let hints = common::hints_of(&after);
    let (old, new) = (&before.catalog, &after.catalog);
    let differ = common::comparable(old) != common::comparable(new);
    if !differ {
        errors.push("before and after are the same catalog: the case tests nothing".into());
    }

    check_identity(&mut errors, "before", old, &RenameHints::default());
    check_identity(&mut errors, "after", new, &hints);

    let up = checked(&mut errors, "up", differ, || plan(old, new, &hints));
    let down = checked(&mut errors, "down", differ, || plan_down(old, new, &hints));
    if let Some(up) = up {
        snapshot(&mut errors, case, "up", &up.to_sql());
    }
    if let Some(down) = down {
        snapshot(&mut errors, case, "down", &down.to_sql());
    }
    errors
}

#[test]
fn fixture_cases_plan_offline() {
    let all = common::fixture_cases();
    let mut report = String::new();
    let mut failed = Vec::new();
    for case in &all {
        let errors = check_case(case);
        if !errors.is_empty() {
            report.push_str(&format!("\n=== {}\n", case.id));
            for e in &errors {
                report.push_str(&format!("- {e}\n"));
            }
            failed.push(case.id.as_str());
        }
    }
    eprintln!(
        "fixture cases offline: {} cases, {} failed",
        all.len(),
        failed.len()
    );
    assert!(
        failed.is_empty(),
        "{} of {} cases fail offline: {}\n{report}",
        failed.len(),
        all.len(),
        failed.join(", ")
    );
}
