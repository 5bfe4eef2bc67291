//! `retort inspect [SOURCE]`: read a live database, or declared schema files, into a catalog and
//! print it.

use std::path::Path;

use anyhow::Context as _;
use retort_catalog::Catalog;
use retort_introspect::conn::connect;
use retort_introspect::{IntrospectOptions, Introspection, introspect};

use crate::declared;
use crate::report::InputError;
use crate::source;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A PostgreSQL URL (postgres://user:password@host:port/dbname?sslmode=...), or a schema
    /// file or directory (*.sql, *.toml). Defaults to $DATABASE_URL, then DATABASE_URL in
    /// ./.env. Prefer the environment for URLs with a password: command lines are visible to
    /// other users.
    #[arg(value_name = "URL|PATH")]
    url: Option<String>,
    /// Development database for reading schema files exactly: retort creates a scratch
    /// database there, loads the files, reads PostgreSQL's own catalog and drops it. Defaults
    /// to $RETORT_DEV_URL; without either, schema files are read offline. The user needs the
    /// CREATEDB privilege.
    #[arg(long = "dev-url", value_name = "URL")]
    dev_url: Option<String>,
    /// Read only this schema (repeatable); by default every schema except the system ones.
    #[arg(long = "schema", value_name = "NAME")]
    schemas: Vec<String>,
    /// Leave this schema out (repeatable).
    #[arg(long = "exclude-schema", value_name = "NAME")]
    exclude_schemas: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Sql)]
    format: Format,
    /// Leave out objects retort cannot represent, with a warning each, instead of failing.
    #[arg(long)]
    allow_unsupported: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// An ordered DDL script.
    Sql,
    /// The catalog model as JSON.
    Json,
    /// The TOML schema format (docs/schema-toml.md), ready to keep under `schema/`.
    Toml,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let options = IntrospectOptions {
        include_schemas: args.schemas,
        exclude_schemas: args.exclude_schemas,
    };
    let Introspection {
        mut catalog,
        unsupported,
        ..
    } = match args.url.as_deref().filter(|s| !s.contains("://")) {
        Some(path) => declared::read(Path::new(path), args.dev_url.as_deref(), &options)
            .await
            .with_context(|| format!("reading the schema in {path}"))?,
        None => {
            let url = source::database_url(args.url.as_deref())?;
            let client = connect(&url).await?;
            introspect(&client, &options)
                .await
                .with_context(|| format!("reading database {}", url.database()))?
        }
    };
    if args.url.as_deref().is_none_or(|s| s.contains("://")) {
        // retort's own bookkeeping is not part of the schema.
        crate::project::forget_version_table(&crate::project::version_table_here()?, &mut catalog);
    }

    if !unsupported.is_empty() {
        if !args.allow_unsupported {
            const SHOWN: usize = 10;
            let mut names: Vec<String> = unsupported
                .iter()
                .take(SHOWN)
                .map(|object| format!("{} {}", object.kind, object.name))
                .collect();
            if unsupported.len() > SHOWN {
                names.push(format!("and {} more", unsupported.len() - SHOWN));
            }
            return Err(InputError(format!(
                "the database has {} object(s) retort cannot represent: {} \
                 (pass --allow-unsupported to leave them out)",
                unsupported.len(),
                names.join(", ")
            ))
            .into());
        }
        for object in &unsupported {
            eprintln!(
                "warning: left out {} {}: not supported",
                object.kind, object.name
            );
        }
    }

    let text = render(&catalog, args.format)?;
    crate::report::write_stdout(&text)
}

/// The whole output, built before anything is written.
fn render(catalog: &Catalog, format: Format) -> anyhow::Result<String> {
    let mut text =
        match format {
            Format::Sql => retort_sql::script::render_catalog(catalog)
                .context("rendering the schema as SQL")?,
            Format::Json => {
                serde_json::to_string_pretty(catalog).context("rendering the schema as JSON")?
            }
            Format::Toml => retort_declare::toml_format::write(catalog)
                .context("rendering the schema as TOML")?,
        };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}
