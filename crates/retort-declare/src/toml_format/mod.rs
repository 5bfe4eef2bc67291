//! The TOML schema format: reading it into a catalog, and writing a catalog as TOML.
//!
//! - [`format`]: the file format as serde structs (also the source of the JSON Schema);
//! - [`read`]: TOML text to a [`Catalog`](retort_catalog::Catalog), errors pointing into the file;
//! - [`renames`]: the rename hints of TOML files (`renamed_from`, `renamed_values`);
//! - [`write`]: a catalog to TOML text, defaults omitted, in catalog order.

pub mod format;
mod names;
pub mod read;
pub mod renames;
pub mod write;

pub use read::{read, read_files, read_str};
pub use write::write;

/// The JSON Schema of the TOML format, pretty-printed, as committed in
/// `docs/schema-toml.schema.json`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(format::SchemaDoc);
    let mut value = schema.to_value();
    strip_null(&mut value);
    format!("{value:#}\n")
}

/// TOML has no null: an optional key is one that may be left out, so `null` is removed from
/// every `type` list and `anyOf`.
fn strip_null(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if let [only] = types.as_slice() {
                    let only = only.clone();
                    map.insert("type".to_owned(), only);
                }
            }
            if let Some(Value::Array(options)) = map.get_mut("anyOf") {
                options.retain(|o| o.get("type").is_none_or(|t| t != "null"));
                if let [Value::Object(only)] = options.as_slice() {
                    let only = only.clone();
                    map.remove("anyOf");
                    map.extend(only);
                }
            }
            map.values_mut().for_each(strip_null);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_null),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
