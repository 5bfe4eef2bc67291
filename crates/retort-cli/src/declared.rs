//! Declared schema files (`schema/`) read into a catalog, two ways:
//!
//! - exactly, with a development database: loaded into a scratch database and introspected, so
//!   the catalog is PostgreSQL's own canonical form. SQL files run as they are, in the schema's
//!   file order. TOML files are read into one catalog and rendered as one script, which runs
//!   where the first TOML file stands in that order;
//! - offline, without one: `retort_declare::load` replays the files into a catalog in
//!   PostgreSQL's canonical forms; what it keeps in a form that may differ from the server's is
//!   reported as a warning.

use std::path::Path;

use anyhow::Context as _;
use retort_catalog::RenameHints;
use retort_declare::{FileKind, SchemaSource};
use retort_introspect::conn::DatabaseUrl;
use retort_introspect::scratch::{Script, catalog_of_scripts};
use retort_introspect::{IntrospectOptions, Introspection};

/// The environment variable holding the development database URL.
pub const DEV_URL: &str = "RETORT_DEV_URL";

/// The development database: `--dev-url`, else `$RETORT_DEV_URL`; `None` for neither.
pub fn dev_url(arg: Option<&str>) -> anyhow::Result<Option<DatabaseUrl>> {
    let text = match arg {
        Some(text) => text.to_owned(),
        None => match std::env::var(DEV_URL).ok().filter(|v| !v.is_empty()) {
            Some(text) => text,
            None => return Ok(None),
        },
    };
    let url = text
        .parse::<DatabaseUrl>()
        .context("the development database URL")?;
    Ok(Some(url))
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

/// Reads the declared schema at `path`: through a scratch database on the development server
/// (`--dev-url`, else `$RETORT_DEV_URL`) when there is one, else offline.
pub async fn read(
    path: &Path,
    dev_url_arg: Option<&str>,
    options: &IntrospectOptions,
) -> anyhow::Result<Introspection> {
    Ok(read_with_hints(path, dev_url_arg, options)
        .await?
        .introspection)
}

/// A declared schema read into a catalog, with the renames it declares.
#[derive(Debug)]
pub struct Declared {
    pub introspection: Introspection,
    /// The renames the files declare (previous names of their objects), for the planner.
    pub hints: RenameHints,
}

/// [`read`], keeping the rename hints the files declare.
pub async fn read_with_hints(
    path: &Path,
    dev_url_arg: Option<&str>,
    options: &IntrospectOptions,
) -> anyhow::Result<Declared> {
    read_source(SchemaSource::load(path)?, dev_url_arg, options).await
}

/// The declared schema of a project: every file of `paths` (files or directories), in the
/// order given, then each directory's own order.
pub async fn read_paths(
    paths: &[std::path::PathBuf],
    dev_url_arg: Option<&str>,
    options: &IntrospectOptions,
) -> anyhow::Result<Declared> {
    let mut merged: Option<SchemaSource> = None;
    for path in paths {
        let source = match SchemaSource::load(path) {
            Ok(source) => source,
            // A project's schema directory starts empty: an empty schema.
            Err(retort_declare::DeclareError::NoFiles { .. }) => SchemaSource {
                root: path.clone(),
                files: Vec::new(),
            },
            Err(e) => return Err(e.into()),
        };
        match &mut merged {
            None => merged = Some(source),
            Some(all) => all.files.extend(source.files),
        }
    }
    let Some(source) = merged else {
        anyhow::bail!("no schema path given");
    };
    read_source(source, dev_url_arg, options).await
}

async fn read_source(
    source: SchemaSource,
    dev_url_arg: Option<&str>,
    options: &IntrospectOptions,
) -> anyhow::Result<Declared> {
    let hints = hints_of(&source)?;
    let introspection = match dev_url(dev_url_arg)? {
        None => read_offline(&source, options)?,
        Some(dev) => {
            let scripts = scripts(&source)?;
            catalog_of_scripts(&dev, &scripts, options).await?
        }
    };
    Ok(Declared {
        introspection,
        hints,
    })
}

/// The rename hints declared in `source` (`-- retort:renamed-from`, `renamed_from`), read in
/// both modes: exact mode builds the catalog in a scratch database, which knows no hints.
fn hints_of(source: &SchemaSource) -> anyhow::Result<RenameHints> {
    Ok(retort_declare::rename_hints(source)?)
}

/// The offline reading, with a warning on standard error for each approximation.
fn read_offline(
    source: &SchemaSource,
    options: &IntrospectOptions,
) -> anyhow::Result<Introspection> {
    let loaded = retort_declare::load::load(source)?;
    for approximation in &loaded.approximations {
        eprintln!("warning: {}", approximation.at);
    }
    if !loaded.approximations.is_empty() {
        eprintln!(
            "warning: {} place(s) read offline may differ from what PostgreSQL stores; \
             pass --dev-url (or set {DEV_URL}) to read the schema exactly",
            loaded.approximations.len()
        );
    }
    let mut catalog = loaded.catalog;
    keep_schemas(&mut catalog, options);
    Ok(Introspection {
        catalog,
        unsupported: Vec::new(),
        // No server was asked.
        server_version_num: 0,
        queries: 0,
    })
}

/// Leaves out the schemas `options` exclude, as introspection does.
pub fn keep_schemas(catalog: &mut retort_catalog::Catalog, options: &IntrospectOptions) {
    let keep = |schema: &str| {
        (options.include_schemas.is_empty() || options.include_schemas.iter().any(|s| s == schema))
            && !options.exclude_schemas.iter().any(|s| s == schema)
    };
    catalog.schemas.retain(|n, _| keep(n.as_str()));
    catalog.collations.retain(|n, _| keep(n.schema.as_str()));
    catalog.enums.retain(|n, _| keep(n.schema.as_str()));
    catalog.domains.retain(|n, _| keep(n.schema.as_str()));
    catalog
        .composite_types
        .retain(|n, _| keep(n.schema.as_str()));
    catalog.sequences.retain(|n, _| keep(n.schema.as_str()));
    catalog.tables.retain(|n, _| keep(n.schema.as_str()));
    catalog.indexes.retain(|n, _| keep(n.schema.as_str()));
    catalog.views.retain(|n, _| keep(n.schema.as_str()));
    catalog.functions.retain(|n, _| keep(n.schema.as_str()));
    catalog
        .triggers
        .retain(|n, _| keep(n.table.schema.as_str()));
}
