//! Shared by the introspector's integration tests: read a database, compare catalogs, and the
//! round trip through the rendered script.

#![allow(dead_code)]

use retort_catalog::Catalog;
use retort_introspect::{IntrospectOptions, Introspection, introspect};
use retort_testkit::TestDb;

pub async fn read(db: &TestDb, options: &IntrospectOptions) -> Introspection {
    try_read(db, options)
        .await
        .unwrap_or_else(|e| panic!("introspecting {}: {e}", db.name()))
}

pub async fn try_read(db: &TestDb, options: &IntrospectOptions) -> Result<Introspection, String> {
    let client = db.client().await;
    introspect(&client, options)
        .await
        .map_err(|e| e.to_string())
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

/// Renders `catalog`, loads the script into a fresh database, reads it back and checks that the
/// catalog is equal and that rendering it again gives the same bytes.
pub async fn round_trip(catalog: &Catalog, roles: &[&str]) -> Result<(), String> {
    let script = retort_sql::script::render_catalog(catalog)
        .map_err(|e| format!("rendering failed: {e}"))?;
    let copy = TestDb::new().await;
    for role in roles {
        copy.create_role_if_missing(role).await;
    }
    copy.try_execute(&script)
        .await
        .map_err(|e| format!("the rendered script does not load: {e}\n--- script ---\n{script}"))?;
    let second = try_read(&copy, &IntrospectOptions::default()).await?;
    if let Some(diff) = catalog_diff(catalog, &second.catalog) {
        return Err(format!(
            "the copy differs from the original\n{diff}\n--- script ---\n{script}"
        ));
    }
    let again = retort_sql::script::render_catalog(&second.catalog)
        .map_err(|e| format!("rendering the copy failed: {e}"))?;
    if again != script {
        return Err("rendering the copy gives different bytes".into());
    }
    Ok(())
}
