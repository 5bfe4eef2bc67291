//! Declared schema files (`schema/`) read exactly: loaded into a scratch database on a
//! development server and introspected, so the catalog is PostgreSQL's own canonical form.
//!
//! SQL files run as they are, in the schema's file order. TOML files are read into one catalog
//! and rendered as one script, which runs where the first TOML file stands in that order.

use std::path::Path;

use anyhow::Context as _;
use retort_declare::{FileKind, SchemaSource};
use retort_introspect::conn::DatabaseUrl;
use retort_introspect::scratch::{Script, catalog_of_scripts};
use retort_introspect::{IntrospectOptions, Introspection};

use crate::report::InputError;

/// The environment variable holding the development database URL.
pub const DEV_URL: &str = "RETORT_DEV_URL";

/// The development database: `--dev-url`, else `$RETORT_DEV_URL`.
fn dev_url(arg: Option<&str>) -> anyhow::Result<DatabaseUrl> {
    let text = match arg {
        Some(text) => text.to_owned(),
        None => std::env::var(DEV_URL)
            .ok()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                InputError(format!(
                    "reading schema files needs a development database, where retort creates and \
                 drops a scratch database: pass --dev-url or set {DEV_URL}"
                ))
            })?,
    };
    text.parse::<DatabaseUrl>()
        .context("the development database URL")
}

/// The scripts that build the declared schema, in order.
fn scripts(source: &SchemaSource) -> anyhow::Result<Vec<Script>> {
    let toml_files: Vec<_> = source
        .files
        .iter()
        .filter(|f| f.kind == FileKind::Toml)
        .cloned()
        .collect();
    let mut scripts = Vec::new();
    let mut toml_done = false;
    for file in &source.files {
        match file.kind {
            FileKind::Sql => scripts.push(Script::new(file.display.clone(), file.text.to_string())),
            FileKind::Toml if !toml_done => {
                toml_done = true;
                let catalog = retort_declare::toml_format::read_files(&toml_files)
                    .map_err(retort_declare::DeclareError::from)?;
                let sql = retort_sql::render_catalog(&catalog)
                    .context("rendering the TOML schema as SQL")?;
                let name = if toml_files.len() == 1 {
                    file.display.clone()
                } else {
                    format!("{} (and the other TOML files)", file.display)
                };
                scripts.push(Script::new(name, sql));
            }
            FileKind::Toml => {}
        }
    }
    Ok(scripts)
}

/// Reads the declared schema at `path` through a scratch database on the development server
/// (`--dev-url`, else `$RETORT_DEV_URL`).
pub async fn read_exact(
    path: &Path,
    dev_url_arg: Option<&str>,
    options: &IntrospectOptions,
) -> anyhow::Result<Introspection> {
    let source = SchemaSource::load(path)?;
    let scripts = scripts(&source)?;
    let dev = dev_url(dev_url_arg)?;
    Ok(catalog_of_scripts(&dev, &scripts, options).await?)
}
