//! The project file, `retort.toml`: where the schema and the migrations are, how new files are
//! named, which schemas are managed, the version table, and where the database URL comes from.
//!
//! Paths are relative to the directory of `retort.toml`. Unknown keys are errors, shown at
//! their line, so a misspelt setting is never silently ignored.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use retort_declare::SourceError;
use serde::Deserialize;

use crate::ignore::IgnoreRules;

/// The file name `retort init` writes and the commands read.
pub const CONFIG_FILE: &str = "retort.toml";

/// The default `file_template`.
pub const DEFAULT_TEMPLATE: &str = "{timestamp}_{rev}_{slug}";

/// The file `retort init` writes: every setting, with its default and what it does.
pub const DEFAULT_CONFIG: &str = r#"# retort project settings. Paths are relative to this file.

# The declared schema: SQL and TOML files (a directory is read recursively).
schema = ["schema"]

# Where revisions are written, one SQL file each, with the integrity file retort.sum.
migrations = "migrations"

# New file names: {timestamp} is the UTC time as 20261201_2210, {rev} the revision id,
# {slug} the message in lower case with _ between words.
file_template = "{timestamp}_{rev}_{slug}"

# The table that records applied revisions (schema.name; public when unqualified).
version_table = "public.retort_version"

# Build new indexes on existing tables with CREATE INDEX CONCURRENTLY, after the revision's
# transaction, so that writes are not blocked while they build.
concurrent_indexes = false

# The schemas retort manages; empty means every schema but the system ones.
schemas = []
# Schemas left out (for example one that another tool owns).
exclude_schemas = []

[ignore]
# Objects retort leaves alone (managed by an extension or another tool), by kind or by
# schema-qualified name pattern (* and ?), optionally after a kind: "table audit.*".
kinds = []
names = []

[database]
# The environment variable holding the database URL (postgres://user:password@host/db; the
# postgresql+psycopg2:// forms of SQLAlchemy are accepted too).
url_env = "DATABASE_URL"
# Read the same variable from this file when the environment does not set it.
dotenv = ".env"
"#;

/// `retort.toml`, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The directory of `retort.toml`: every path below is joined to it.
    pub root: PathBuf,
    /// Schema files or directories, as written (relative to `root`).
    pub schema: Vec<String>,
    pub migrations: String,
    pub file_template: String,
    /// `schema.name` or `name`.
    pub version_table: String,
    pub schemas: Vec<String>,
    pub exclude_schemas: Vec<String>,
    pub url_env: String,
    pub dotenv: String,
    /// `[ignore]`: what `check` and `revision` leave out of both sides.
    pub ignore: IgnoreRules,
    /// New indexes on existing tables are built concurrently.
    pub concurrent_indexes: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    schema: Option<OneOrMany>,
    #[serde(default)]
    migrations: Option<String>,
    #[serde(default)]
    file_template: Option<String>,
    #[serde(default)]
    version_table: Option<String>,
    #[serde(default)]
    schemas: Vec<String>,
    #[serde(default)]
    exclude_schemas: Vec<String>,
    #[serde(default)]
    concurrent_indexes: bool,
    #[serde(default)]
    database: RawDatabase,
    #[serde(default)]
    ignore: RawIgnore,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    #[serde(default)]
    kinds: Vec<String>,
    #[serde(default)]
    names: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDatabase {
    url_env: Option<String>,
    dotenv: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// A `retort.toml` that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("no {CONFIG_FILE} in {dir}: run `retort init` to create a project, or pass --config")]
    NotFound { dir: String },
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A problem at a place in the file.
    #[error("{0}")]
    Source(Box<SourceError>),
}

impl Default for Config {
    fn default() -> Self {
        Config {
            root: PathBuf::from("."),
            schema: vec!["schema".to_owned()],
            migrations: "migrations".to_owned(),
            file_template: DEFAULT_TEMPLATE.to_owned(),
            version_table: "public.retort_version".to_owned(),
            schemas: Vec::new(),
            exclude_schemas: Vec::new(),
            url_env: "DATABASE_URL".to_owned(),
            dotenv: ".env".to_owned(),
            ignore: IgnoreRules::default(),
            concurrent_indexes: false,
        }
    }
}

impl Config {
    /// Reads `path` (a `retort.toml`).
    pub fn read(path: &Path) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let dir = path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                return Err(ConfigError::NotFound {
                    dir: dir.display().to_string(),
                });
            }
            Err(source) => {
                return Err(ConfigError::Io {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        let root = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_owned();
        Config::parse(&path.display().to_string(), &text, root)
    }

    /// Reads the text of a `retort.toml` shown as `file` in messages.
    pub fn parse(file: &str, text: &str, root: PathBuf) -> Result<Config, ConfigError> {
        let shared: Arc<str> = Arc::from(text);
        let at = |span: std::ops::Range<usize>, message: String| {
            ConfigError::Source(Box::new(SourceError::new(
                file,
                shared.clone(),
                span,
                message,
            )))
        };
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            at(span, e.message().trim_end().to_owned())
        })?;
        let defaults = Config::default();
        let schema = match raw.schema {
            None => defaults.schema,
            Some(OneOrMany::One(one)) => vec![one],
            Some(OneOrMany::Many(many)) => many,
        };
        let key_span = |key: &str| {
            text.find(&format!("{key} ="))
                .or_else(|| text.find(key))
                .map_or(0..0, |start| start..start + key.len())
        };
        if schema.is_empty() || schema.iter().any(|s| s.trim().is_empty()) {
            return Err(at(
                key_span("schema"),
                "`schema` must name at least one file or directory".to_owned(),
            ));
        }
        let file_template = raw.file_template.unwrap_or(defaults.file_template);
        if let Err(message) = check_template(&file_template) {
            return Err(at(key_span("file_template"), message));
        }
        let version_table = raw.version_table.unwrap_or(defaults.version_table);
        let parts: Vec<&str> = version_table.split('.').collect();
        if parts.len() > 2 || parts.iter().any(|p| p.is_empty()) {
            return Err(at(
                key_span("version_table"),
                format!("`version_table` {version_table:?} is not `name` or `schema.name`"),
            ));
        }
        let ignore = IgnoreRules::new(&raw.ignore.kinds, &raw.ignore.names)
            .map_err(|message| at(key_span("[ignore]"), message))?;
        Ok(Config {
            ignore,
            concurrent_indexes: raw.concurrent_indexes,
            root,
            schema,
            migrations: raw.migrations.unwrap_or(defaults.migrations),
            file_template,
            version_table,
            schemas: raw.schemas,
            exclude_schemas: raw.exclude_schemas,
            url_env: raw.database.url_env.unwrap_or(defaults.url_env),
            dotenv: raw.database.dotenv.unwrap_or(defaults.dotenv),
        })
    }

    /// The migration directory.
    pub fn migrations_dir(&self) -> PathBuf {
        self.root.join(&self.migrations)
    }

    /// The schema paths.
    pub fn schema_paths(&self) -> Vec<PathBuf> {
        self.schema.iter().map(|s| self.root.join(s)).collect()
    }

    /// A new file's name (`.sql` added) for the template's fields.
    pub fn file_name(&self, timestamp: &str, rev: &str, slug: &str) -> String {
        let name = self
            .file_template
            .replace("{timestamp}", timestamp)
            .replace("{rev}", rev)
            .replace("{slug}", slug);
        format!("{name}.sql")
    }
}

/// A template names the revision (so file names are unique), uses only known fields, and
/// makes a plain file name.
fn check_template(template: &str) -> Result<(), String> {
    if !template.contains("{rev}") {
        return Err("`file_template` must contain {rev}, so that every file name is unique".into());
    }
    let stripped = template
        .replace("{timestamp}", "")
        .replace("{rev}", "")
        .replace("{slug}", "");
    if let Some(brace) = stripped.find(['{', '}']) {
        return Err(format!(
            "`file_template` has an unknown field near {:?}: use {{timestamp}}, {{rev}} and {{slug}}",
            &stripped[brace..]
        ));
    }
    if template.contains(['/', '\\']) || template.starts_with('.') {
        return Err("`file_template` must be a plain file name (no / and no leading .)".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse("retort.toml", text, PathBuf::from("/p")).map_err(|e| match e {
            ConfigError::Source(s) => format!("{}:{}", s.message, &s.text[s.span.clone()]),
            other => other.to_string(),
        })
    }

    #[test]
    fn the_written_default_is_the_default() {
        let read = parse(DEFAULT_CONFIG);
        let expected = Config {
            root: PathBuf::from("/p"),
            ..Config::default()
        };
        assert_eq!(read, Ok(expected.clone()));
        assert_eq!(parse(""), Ok(expected));
    }

    #[test]
    fn settings_are_read() {
        let config = parse(
            "schema = \"db/schema.sql\"\nmigrations = \"db/migrations\"\n\
             version_table = \"ops.versions\"\nschemas = [\"app\"]\n\
             [database]\nurl_env = \"APP_DB\"\n",
        );
        let config = match config {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(config.schema, ["db/schema.sql"]);
        assert_eq!(config.migrations_dir(), PathBuf::from("/p/db/migrations"));
        assert_eq!(config.version_table, "ops.versions");
        assert_eq!(config.url_env, "APP_DB");
        assert_eq!(config.dotenv, ".env");
        let ignoring = parse("[ignore]\nnames = [\"table audit.*\"]\n");
        assert!(
            matches!(&ignoring, Ok(c) if c.ignore.ignores("table", "audit.log")),
            "{ignoring:?}"
        );
        let bad = parse("[ignore]\nkinds = [\"tables\"]\n")
            .err()
            .unwrap_or_default();
        assert!(bad.starts_with("unknown object kind"), "{bad}");
        assert_eq!(
            config.file_name("20261201_2210", "abc", "init"),
            "20261201_2210_abc_init.sql"
        );
    }

    #[test]
    fn mistakes_point_at_their_place() {
        let err = parse("migration = \"m\"\n").err().unwrap_or_default();
        assert!(err.starts_with("unknown field `migration`"), "{err}");
        assert!(err.ends_with(":migration"), "{err}");
        assert_eq!(
            parse("file_template = \"{timestamp}_{slug}\"\n"),
            Err("`file_template` must contain {rev}, so that every file name is unique:file_template"
                .to_owned())
        );
        assert!(
            parse("file_template = \"{rev}_{date}\"\n")
                .err()
                .is_some_and(|e| e.contains("unknown field near \"{date}\""))
        );
        assert!(
            parse("version_table = \"a.b.c\"\n")
                .err()
                .is_some_and(|e| e.starts_with("`version_table` \"a.b.c\""))
        );
    }
}
