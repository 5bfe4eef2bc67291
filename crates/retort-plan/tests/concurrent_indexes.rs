//! `PlanOptions::concurrent_indexes`: which index builds leave the transaction, offline.

use retort_catalog::{Catalog, RenameHints};
use retort_plan::{Plan, PlanOptions, plan_with};

fn catalog(sql: &str) -> Catalog {
    match retort_declare::load::load_sql("schema.sql", sql) {
        Ok(loaded) => loaded.catalog,
        Err(e) => panic!("{}", e.render()),
    }
}

fn planned(before: &str, after: &str, concurrent: bool) -> Plan {
    let options = PlanOptions {
        concurrent_indexes: concurrent,
    };
    match plan_with(
        &catalog(before),
        &catalog(after),
        &RenameHints::default(),
        &options,
    ) {
        Ok(plan) => plan,
        Err(e) => panic!("{e}"),
    }
}

/// Each segment as (transactional, the steps' summaries).
fn shape(plan: &Plan) -> Vec<(bool, Vec<String>)> {
    plan.segments
        .iter()
        .map(|s| {
            (
                s.transactional,
                s.steps.iter().map(|st| st.cause.summary.clone()).collect(),
            )
        })
        .collect()
}

const BEFORE: &str = "\
CREATE TABLE t (id int PRIMARY KEY, email text, at date);
CREATE TABLE p (id int, at date) PARTITION BY RANGE (at);
";

const AFTER: &str = "\
CREATE TABLE t (id int PRIMARY KEY, email text, at date);
CREATE INDEX t_email ON t (email);
CREATE TABLE p (id int, at date) PARTITION BY RANGE (at);
CREATE INDEX p_at ON p (at);
CREATE TABLE u (id int PRIMARY KEY, name text);
CREATE INDEX u_name ON u (name);
";

#[test]
fn only_indexes_on_existing_plain_tables_are_built_concurrently() {
    let plan = planned(BEFORE, AFTER, true);
    let shape = shape(&plan);
    let last = shape.last().expect("segments");
    assert_eq!(
        last,
        &(false, vec!["create index public.t_email".to_owned()]),
        "{shape:?}"
    );
    assert_eq!(shape.len(), 2, "{shape:?}");
    let main = &shape[0];
    assert!(main.0);
    for kept in ["create index public.p_at", "create index public.u_name"] {
        assert!(main.1.iter().any(|s| s == kept), "{kept} in {main:?}");
    }
    let sql = plan.to_sql();
    assert!(
        sql.contains("CREATE INDEX CONCURRENTLY t_email ON public.t"),
        "{sql}"
    );
    assert!(!sql.contains("CONCURRENTLY p_at"), "{sql}");
    assert!(
        sql.ends_with("CREATE INDEX CONCURRENTLY t_email ON public.t USING btree (email);\n"),
        "{sql}"
    );
}

#[test]
fn without_the_option_every_index_builds_in_the_transaction() {
    let plan = planned(BEFORE, AFTER, false);
    assert!(plan.segments.iter().all(|s| s.transactional));
    assert!(!plan.to_sql().contains("CONCURRENTLY"));
}

#[test]
fn an_index_a_constraint_or_the_table_needs_stays_in_the_transaction() {
    let before = "CREATE TABLE t (id int NOT NULL, code text);\n";
    let after = "CREATE TABLE t (id int NOT NULL, code text);\n\
                 CREATE UNIQUE INDEX t_code ON t (code);\n\
                 ALTER TABLE t CLUSTER ON t_code;\n";
    let plan = planned(before, after, true);
    assert!(
        plan.segments.iter().all(|s| s.transactional),
        "{}",
        plan.to_sql()
    );
}
