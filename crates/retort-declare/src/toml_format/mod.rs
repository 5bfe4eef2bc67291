//! The TOML schema format: reading it into a catalog, and writing a catalog as TOML.
//!
//! - [`format`]: the file format as serde structs (also the source of the JSON Schema);
//! - [`read`]: TOML text to a [`Catalog`](retort_catalog::Catalog), errors pointing into the file;
//! - [`write`]: a catalog to TOML text, defaults omitted, in catalog order.

pub mod format;
mod names;
pub mod read;
pub mod write;

pub use read::{read, read_files, read_str};
pub use write::write;

/// The JSON Schema of the TOML format, pretty-printed, as committed in
/// `docs/schema-toml.schema.json`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(format::SchemaDoc);
    let mut text = serde_json_text(&schema);
    text.push('\n');
    text
}

fn serde_json_text(schema: &schemars::Schema) -> String {
    // `Schema` displays as compact JSON; re-indent it through its value.
    format!("{:#}", schema.as_value())
}

#[cfg(test)]
mod tests;
