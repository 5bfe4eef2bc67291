//! `docs/schema-toml.schema.json` is generated from the TOML format's structs; this test fails
//! when the committed file is out of date. Regenerate with
//! `RETORT_UPDATE_SCHEMA=1 cargo test -p retort-declare --test toml_json_schema`.

use std::path::PathBuf;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema-toml.schema.json")
}

#[test]
fn the_committed_json_schema_is_up_to_date() {
    let generated = retort_declare::toml_format::json_schema();
    let path = committed_path();
    if std::env::var_os("RETORT_UPDATE_SCHEMA").is_some() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("creates docs/");
        }
        std::fs::write(&path, &generated).expect("writes the schema");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date: regenerate it with \
         RETORT_UPDATE_SCHEMA=1 cargo test -p retort-declare --test toml_json_schema",
        path.display()
    );
}

#[test]
fn the_json_schema_describes_the_top_level_tables() {
    let schema: serde_json::Value =
        serde_json::from_str(&retort_declare::toml_format::json_schema()).expect("JSON");
    let properties = schema["properties"].as_object().expect("properties");
    for key in [
        "schema",
        "extension",
        "collation",
        "enum",
        "domain",
        "composite",
        "sequence",
        "table",
        "index",
        "view",
        "materialized_view",
        "function",
        "procedure",
        "trigger",
    ] {
        assert!(properties.contains_key(key), "{key} missing");
    }
    assert_eq!(
        schema["additionalProperties"],
        serde_json::Value::Bool(false)
    );
}

/// The example at the top of `docs/schema-toml.md` reads, and its errors are as documented.
#[test]
fn the_documented_example_reads() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema-toml.md");
    let doc = std::fs::read_to_string(path).expect("docs/schema-toml.md");
    let start = doc.find("```toml\n").expect("a TOML example") + "```toml\n".len();
    let end = start + doc[start..].find("```").expect("end of the example");
    let catalog = retort_declare::toml_format::read_str("example.toml", &doc[start..end])
        .unwrap_or_else(|e| panic!("{}", e.render()));
    let items = retort_catalog::QualifiedName::new("sales", "Order Items");
    assert_eq!(catalog.tables[&items].columns.len(), 4);
    assert_eq!(catalog.indexes.len(), 1);
}
