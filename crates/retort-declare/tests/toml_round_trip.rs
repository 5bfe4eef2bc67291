//! The TOML format against catalogs PostgreSQL produced: every catalog fixture is loaded into a
//! database and introspected, written as TOML and read back; the catalog must be the same and
//! writing it again must give the same bytes.

use retort_catalog::Catalog;
use retort_declare::toml_format::{read_str, write};
use retort_introspect::introspect;
use retort_testkit::TestDb;

/// The PostgreSQL major the TOML snapshot was recorded on.
const SNAPSHOT_MAJOR: u32 = 15;
/// The fixture whose TOML is kept as a snapshot, so reviewers see the format.
const SNAPSHOT_FIXTURE: &str = "02_tables";

/// A unified diff of the JSON forms of two catalogs.
fn catalog_diff(expected: &Catalog, actual: &Catalog) -> String {
    let a = serde_json::to_string_pretty(expected).expect("catalog serializes");
    let b = serde_json::to_string_pretty(actual).expect("catalog serializes");
    similar::TextDiff::from_lines(&a, &b)
        .unified_diff()
        .context_radius(4)
        .header("introspected", "read back from TOML")
        .to_string()
}

async fn introspected(sql: &str) -> Catalog {
    let db = TestDb::new().await;
    // Policies in the fixtures name this role; roles are cluster-wide.
    db.create_role_if_missing("retort_app").await;
    db.execute(sql).await;
    let client = db.client().await;
    let found = introspect(&client, &Default::default())
        .await
        .unwrap_or_else(|e| panic!("introspecting: {e}"));
    assert!(found.unsupported.is_empty(), "{:?}", found.unsupported);
    found.catalog
}

#[tokio::test]
async fn fixtures_round_trip_through_toml() {
    let version = retort_testkit::Server::shared().await.server_version_num();
    let fixtures = retort_testkit::fixtures::supported_catalog_fixtures(version);
    assert!(!fixtures.is_empty());
    for fixture in fixtures {
        let name = fixture.name.clone();
        let catalog = introspected(&fixture.sql).await;
        let text = write(&catalog).unwrap_or_else(|e| panic!("{name}: {e}"));
        let file = format!("{name}.toml");
        let back =
            read_str(&file, &text).unwrap_or_else(|e| panic!("{name}: {}\n{text}", e.render()));
        if back != catalog {
            panic!(
                "{name}: the TOML reads back into another catalog\n{}",
                catalog_diff(&catalog, &back)
            );
        }
        let again = write(&back).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(again, text, "{name}: writing again gives other bytes");

        if name == SNAPSHOT_FIXTURE && version / 10_000 == SNAPSHOT_MAJOR {
            insta::with_settings!({ snapshot_suffix => name.clone(), prepend_module_to_snapshot => false }, {
                insta::assert_snapshot!("toml", text);
            });
        }
    }
}
