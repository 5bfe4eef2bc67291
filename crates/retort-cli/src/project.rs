//! A retort project as the history commands see it: `retort.toml`, the declared schema, the
//! migration directory, the database.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use retort_catalog::{Catalog, QualifiedName};
use retort_introspect::conn::{DatabaseUrl, connect};
use retort_introspect::{IntrospectOptions, introspect};
use retort_migrate::runner::VersionTable;
use retort_migrate::{Config, History};

use crate::declared::{self, Declared};
use crate::report::InputError;

/// `--config` and `--database-url`, shared by the history commands.
#[derive(Debug, Clone, clap::Args)]
pub struct ProjectArgs {
    /// The project file.
    #[arg(long, value_name = "PATH", default_value = retort_migrate::config::CONFIG_FILE, global = true)]
    pub config: PathBuf,
}

/// An opened project.
#[derive(Debug)]
pub struct Project {
    pub config: Config,
    pub version_table: VersionTable,
}

impl Project {
    pub fn open(args: &ProjectArgs) -> anyhow::Result<Project> {
        let config = Config::read(&args.config)?;
        let version_table: VersionTable = config
            .version_table
            .parse()
            .map_err(|e: retort_migrate::runner::VersionTableError| InputError(e.to_string()))
            .with_context(|| format!("{}: version_table", args.config.display()))?;
        Ok(Project {
            config,
            version_table,
        })
    }

    /// How messages name the migration directory: as `retort.toml` writes it.
    pub fn migrations_shown(&self) -> String {
        shown(&self.config.root, &self.config.migrations)
    }

    /// The migration history, after checking the directory against `retort.sum`.
    pub fn history(&self) -> anyhow::Result<History> {
        let dir = self.config.migrations_dir();
        let shown = self.migrations_shown();
        if !dir.is_dir() {
            return Err(InputError(format!(
                "the migration directory {shown} does not exist (run `retort init`, or set \
                 `migrations` in retort.toml)"
            ))
            .into());
        }
        retort_migrate::sum::verify_dir(&dir, &shown).map_err(|e| InputError(e.to_string()))?;
        Ok(History::read(&dir, &shown)?)
    }

    /// The schemas to compare.
    pub fn options(&self) -> IntrospectOptions {
        IntrospectOptions {
            include_schemas: self.config.schemas.clone(),
            exclude_schemas: self.config.exclude_schemas.clone(),
        }
    }

    /// The declared schema (`schema` in retort.toml).
    pub async fn desired(&self, dev_url: Option<&str>) -> anyhow::Result<Declared> {
        let paths = self.config.schema_paths();
        let mut declared = declared::read_paths(&paths, dev_url, &self.options())
            .await
            .with_context(|| {
                format!(
                    "reading the schema in {}",
                    self.config
                        .schema
                        .iter()
                        .map(|s| shown(&self.config.root, s))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
        self.leave_out(&mut declared.introspection.catalog);
        Ok(declared)
    }

    /// The catalog the migrations up to `head` produce: replayed offline, or in a scratch
    /// database on the development server when there is one.
    pub async fn head_catalog(
        &self,
        history: &History,
        head: Option<&str>,
        dev_url: Option<&str>,
    ) -> anyhow::Result<Catalog> {
        let revisions = match head {
            Some(head) => history.ancestry(head),
            None => Vec::new(),
        };
        let mut catalog = match declared::dev_url(dev_url)? {
            None => {
                let head = retort_migrate::replay::offline(revisions.iter().copied())
                    .context("replaying the migrations")?;
                for approximation in &head.approximations {
                    eprintln!("warning: {}", approximation.at);
                }
                head.catalog
            }
            Some(dev) => {
                let scripts = retort_migrate::replay::scratch_scripts(revisions.iter().copied());
                retort_introspect::scratch::catalog_of_scripts(&dev, &scripts, &self.options())
                    .await
                    .context("replaying the migrations in a scratch database")?
                    .catalog
            }
        };
        declared::keep_schemas(&mut catalog, &self.options());
        self.leave_out(&mut catalog);
        Ok(catalog)
    }

    /// The database URL: `arg`, else the variable `url_env` names, else the same variable in
    /// the `dotenv` file.
    pub fn database_url(&self, arg: Option<&str>) -> anyhow::Result<DatabaseUrl> {
        let dotenv = self.config.root.join(&self.config.dotenv);
        crate::source::project_database_url(arg, &self.config.url_env, &dotenv)?.ok_or_else(|| {
            InputError(format!(
                "no database URL: pass --database-url, or set {} in the environment or in {}",
                self.config.url_env,
                shown(&self.config.root, &self.config.dotenv)
            ))
            .into()
        })
    }

    /// Whether a database URL is given or configured at all.
    pub fn has_database_url(&self, arg: Option<&str>) -> anyhow::Result<bool> {
        let dotenv = self.config.root.join(&self.config.dotenv);
        Ok(crate::source::project_database_url(arg, &self.config.url_env, &dotenv)?.is_some())
    }

    /// Connects to the project's database.
    pub async fn connect(&self, url: &DatabaseUrl) -> anyhow::Result<tokio_postgres::Client> {
        Ok(connect(url).await?)
    }

    /// The live database's catalog (without the version table).
    pub async fn database_catalog(&self, url: &DatabaseUrl) -> anyhow::Result<Catalog> {
        let client = self.connect(url).await?;
        let introspection = introspect(&client, &self.options())
            .await
            .with_context(|| format!("reading database {}", url.database()))?;
        if !introspection.unsupported.is_empty() {
            let names: Vec<String> = introspection
                .unsupported
                .iter()
                .take(10)
                .map(|o| format!("{} {}", o.kind, o.name))
                .collect();
            return Err(InputError(format!(
                "database {} has {} object(s) retort cannot represent: {}",
                url.database(),
                introspection.unsupported.len(),
                names.join(", ")
            ))
            .into());
        }
        let mut catalog = introspection.catalog;
        self.leave_out(&mut catalog);
        Ok(catalog)
    }

    /// Leaves out of a catalog what the project does not compare: the version table and
    /// the objects its `[ignore]` rules name.
    pub fn leave_out(&self, catalog: &mut Catalog) {
        forget_version_table(&self.version_table, catalog);
        self.config.ignore.apply(catalog);
    }
}

/// The version table of the project in the current directory (`./retort.toml`), else the
/// default one: what `retort diff` and `retort inspect` leave out of a database.
pub fn version_table_here() -> anyhow::Result<VersionTable> {
    let path = Path::new(retort_migrate::config::CONFIG_FILE);
    if !path.exists() {
        return Ok(VersionTable::default());
    }
    Ok(Project::open(&ProjectArgs {
        config: path.to_owned(),
    })?
    .version_table)
}

/// Leaves the version table (and a schema that holds nothing else) out of a catalog: it
/// belongs to retort, not to the schema.
pub fn forget_version_table(table: &VersionTable, catalog: &mut Catalog) {
    let name = QualifiedName::new(table.schema.as_str(), table.name.as_str());
    if catalog.tables.remove(&name).is_none() {
        return;
    }
    catalog.indexes.retain(|_, index| index.table != name);
    catalog.sequences.retain(|_, sequence| {
        sequence
            .owned_by
            .as_ref()
            .is_none_or(|owner| owner.table != name)
    });
    let schema = name.schema.clone();
    if schema.as_str() != "public" {
        let used = catalog.tables.keys().any(|q| q.schema == schema)
            || catalog.views.keys().any(|q| q.schema == schema)
            || catalog.sequences.keys().any(|q| q.schema == schema)
            || catalog.functions.keys().any(|q| q.schema == schema)
            || catalog.enums.keys().any(|q| q.schema == schema)
            || catalog.domains.keys().any(|q| q.schema == schema)
            || catalog.composite_types.keys().any(|q| q.schema == schema);
        if !used {
            catalog.schemas.remove(&schema);
        }
    }
}

/// `path` below `root` as the user would write it.
pub fn shown(root: &Path, path: &str) -> String {
    if root == Path::new(".") || root.as_os_str().is_empty() {
        path.to_owned()
    } else {
        root.join(path).display().to_string()
    }
}

/// The ids of the rows of the version table that record a finished revision.
pub fn applied_ids(rows: &[retort_migrate::runner::Applied]) -> BTreeSet<String> {
    rows.iter()
        .filter(|r| r.state == retort_migrate::runner::State::Applied)
        .map(|r| r.revision.clone())
        .collect()
}
