//! Where the database URL comes from: the command line, else the `DATABASE_URL` environment
//! variable, else a `DATABASE_URL` line in `./.env`.
//!
//! The `.env` file is only read, never loaded into the process environment, and it is optional.
//!
//! [`Source`] is one side of a comparison (`retort diff --from/--to`): a database or declared
//! schema files, read into a catalog.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use retort_catalog::RenameHints;
use retort_introspect::conn::{DatabaseUrl, connect};
use retort_introspect::{IntrospectOptions, Introspection, introspect};

use crate::declared;
use crate::report::InputError;

/// The environment variable (and `.env` key) holding the database URL.
pub const DATABASE_URL: &str = "DATABASE_URL";

/// Where a URL was found, for error messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Argument,
    Environment,
    DotEnv,
}

/// The URL to connect to: `arg`, else `$DATABASE_URL`, else `DATABASE_URL` in `./.env`.
pub fn database_url(arg: Option<&str>) -> anyhow::Result<DatabaseUrl> {
    resolve(arg, std::env::var_os(DATABASE_URL), Path::new(".env"))
}

/// The URL to connect to in a project: `arg`, else the variable `var` (`url_env` in
/// `retort.toml`) from the environment, else from the file `dotenv`; `None` when none is set.
pub fn project_database_url(
    arg: Option<&str>,
    var: &str,
    dotenv: &Path,
) -> anyhow::Result<Option<DatabaseUrl>> {
    match find_var(arg, var, std::env::var_os(var), dotenv)? {
        None => Ok(None),
        Some((text, origin)) => parse_from(&text, origin, var, dotenv).map(Some),
    }
}

fn resolve(arg: Option<&str>, env: Option<OsString>, dotenv: &Path) -> anyhow::Result<DatabaseUrl> {
    let (text, origin) = match find(arg, env, dotenv)? {
        Some(found) => found,
        None => {
            return Err(
                InputError(format!("no database URL: pass one or set {DATABASE_URL}")).into(),
            );
        }
    };
    parse_from(&text, origin, DATABASE_URL, dotenv)
}

fn parse_from(text: &str, origin: Origin, var: &str, dotenv: &Path) -> anyhow::Result<DatabaseUrl> {
    let parsed = text.parse::<DatabaseUrl>();
    match origin {
        Origin::Argument => Ok(parsed?),
        Origin::Environment => parsed.with_context(|| format!("{var} from the environment")),
        Origin::DotEnv => parsed.with_context(|| format!("{var} from {}", dotenv.display())),
    }
}

fn find(
    arg: Option<&str>,
    env: Option<OsString>,
    dotenv: &Path,
) -> anyhow::Result<Option<(String, Origin)>> {
    find_var(arg, DATABASE_URL, env, dotenv)
}

fn find_var(
    arg: Option<&str>,
    var: &str,
    env: Option<OsString>,
    dotenv: &Path,
) -> anyhow::Result<Option<(String, Origin)>> {
    if let Some(arg) = arg {
        return Ok(Some((arg.to_owned(), Origin::Argument)));
    }
    if let Some(value) = env.filter(|v| !v.is_empty()) {
        let value = value
            .into_string()
            .map_err(|_| InputError(format!("{var} is not valid UTF-8")))?;
        return Ok(Some((value, Origin::Environment)));
    }
    Ok(read_dotenv(dotenv, var)?.map(|value| (value, Origin::DotEnv)))
}

/// The first `var` entry of a `.env` file; `None` when the file does not exist or has no such
/// entry. Parse errors never quote the offending line, which may hold a password.
fn read_dotenv(path: &Path, var: &str) -> anyhow::Result<Option<String>> {
    let shown = path.display();
    let entries = match dotenvy::from_path_iter(path) {
        Ok(entries) => entries,
        Err(e) if e.not_found() => return Ok(None),
        Err(e) => return Err(InputError(format!("cannot read {shown}: {}", describe(&e))).into()),
    };
    for entry in entries {
        let (key, value) =
            entry.map_err(|e| InputError(format!("cannot read {shown}: {}", describe(&e))))?;
        if key == var && !value.is_empty() {
            return Ok(Some(value));
        }
    }
    Ok(None)
}

/// Where a schema comes from: one side of a comparison.
#[derive(Debug)]
pub enum Source {
    /// A live database, read by introspection.
    Database(DatabaseUrl),
    /// Declared schema files: a `.sql` or `.toml` file, or a directory of them, read offline or
    /// through a scratch database on the development server.
    Declared(PathBuf),
}

/// A source read into a catalog.
#[derive(Debug)]
pub struct Read {
    pub introspection: Introspection,
    /// The renames the source declares; none for a database.
    pub hints: RenameHints,
}

impl Source {
    /// A database URL (anything with `://`, SQLAlchemy forms included) or a path, which must
    /// exist.
    pub fn parse(text: &str) -> anyhow::Result<Source> {
        if text.contains("://") {
            return Ok(Source::Database(text.parse::<DatabaseUrl>()?));
        }
        let path = PathBuf::from(text);
        // A path that cannot be checked (permissions) is left to the reader to report.
        if matches!(path.try_exists(), Ok(false)) {
            return Err(InputError(format!(
                "{text}: no such file or directory (expected a database URL, a schema file or \
                 a directory of schema files)"
            ))
            .into());
        }
        Ok(Source::Declared(path))
    }

    /// Reads the source. `dev_url` is the development database for declared files
    /// (`--dev-url`; `None` falls back to `$RETORT_DEV_URL`, else the files are read offline).
    pub async fn read(
        &self,
        dev_url: Option<&str>,
        options: &IntrospectOptions,
    ) -> anyhow::Result<Read> {
        match self {
            Source::Database(url) => {
                let client = connect(url).await?;
                let mut introspection = introspect(&client, options)
                    .await
                    .with_context(|| format!("reading database {}", url.database()))?;
                // retort's own bookkeeping is not part of the schema.
                crate::project::forget_version_table(
                    &crate::project::version_table_here()?,
                    &mut introspection.catalog,
                );
                Ok(Read {
                    introspection,
                    hints: RenameHints::default(),
                })
            }
            Source::Declared(path) => {
                let declared = declared::read_with_hints(path, dev_url, options)
                    .await
                    .with_context(|| format!("reading the schema in {}", path.display()))?;
                Ok(Read {
                    introspection: declared.introspection,
                    hints: declared.hints,
                })
            }
        }
    }
}

/// The source as the user named it, password hidden.
impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Database(url) => write!(f, "database {}", url.database()),
            Source::Declared(path) => write!(f, "{}", path.display()),
        }
    }
}

fn describe(err: &dotenvy::Error) -> String {
    match err {
        dotenvy::Error::LineParse(line, _) => {
            let key = line
                .trim_start()
                .trim_start_matches("export ")
                .split(['=', ' ', '\t'])
                .next()
                .unwrap_or_default();
            let plain = !key.is_empty()
                && key.len() <= 64
                && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if plain {
                format!("malformed entry {key}")
            } else {
                "malformed line".to_owned()
            }
        }
        dotenvy::Error::Io(io) => {
            let text = io.to_string();
            match text.rfind(" (os error ") {
                Some(at) => text[..at].to_lowercase(),
                None => text.to_lowercase(),
            }
        }
        dotenvy::Error::EnvVar(_) => "invalid variable substitution".to_owned(),
        _ => "unreadable".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with_env(contents: &str) -> tempfile::TempDir {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(e) => panic!("tempdir: {e}"),
        };
        if let Err(e) = std::fs::write(dir.path().join(".env"), contents) {
            panic!("write .env: {e}");
        }
        dir
    }

    fn database(result: anyhow::Result<DatabaseUrl>) -> String {
        match result {
            Ok(url) => url.database().to_owned(),
            Err(e) => panic!("{e:#}"),
        }
    }

    fn message(result: anyhow::Result<DatabaseUrl>) -> String {
        match result {
            Ok(url) => panic!("unexpectedly resolved {url}"),
            Err(e) => format!("{e:#}"),
        }
    }

    #[test]
    fn argument_then_environment_then_dotenv() {
        let dir = dir_with_env("OTHER=1\nDATABASE_URL=postgres://u@h/from_file\n");
        let dotenv = dir.path().join(".env");
        let env = Some(OsString::from("postgres://u@h/from_env"));
        assert_eq!(
            database(resolve(
                Some("postgres://u@h/from_arg"),
                env.clone(),
                &dotenv
            )),
            "from_arg"
        );
        assert_eq!(database(resolve(None, env, &dotenv)), "from_env");
        assert_eq!(database(resolve(None, None, &dotenv)), "from_file");
        // An empty variable counts as unset.
        assert_eq!(
            database(resolve(None, Some(OsString::new()), &dotenv)),
            "from_file"
        );
    }

    #[test]
    fn dotenv_quotes_and_export() {
        let dir = dir_with_env("# comment\nexport DATABASE_URL=\"postgres://u@h/quoted\"\n");
        assert_eq!(
            database(resolve(None, None, &dir.path().join(".env"))),
            "quoted"
        );
    }

    #[test]
    fn nothing_found() {
        let dir = dir_with_env("OTHER=1\n");
        let expected = "no database URL: pass one or set DATABASE_URL";
        assert_eq!(
            message(resolve(None, None, &dir.path().join(".env"))),
            expected
        );
        assert_eq!(
            message(resolve(None, None, &dir.path().join("missing.env"))),
            expected
        );
    }

    #[test]
    fn errors_say_where_the_url_came_from_and_hide_passwords() {
        let dir = dir_with_env("DATABASE_URL=postgres://u:Hunter2Pw@h:x/db\n");
        let dotenv = dir.path().join(".env");
        let text = message(resolve(None, None, &dotenv));
        assert_eq!(
            text,
            format!(
                "DATABASE_URL from {}: invalid database URL: invalid port",
                dotenv.display()
            )
        );
        let text = message(resolve(
            None,
            Some(OsString::from("postgres://u:Hunter2Pw@h:x/db")),
            &dotenv,
        ));
        assert_eq!(
            text,
            "DATABASE_URL from the environment: invalid database URL: invalid port"
        );
    }

    #[test]
    fn sources_are_urls_or_existing_paths() {
        let dir = dir_with_env("");
        let path = dir.path().join(".env");
        let shown = path.display().to_string();
        match Source::parse(&shown) {
            Ok(Source::Declared(p)) => assert_eq!(p, path),
            other => panic!("{other:?}"),
        }
        match Source::parse("postgresql+psycopg2://u:Hunter2Pw@h/app") {
            Ok(source @ Source::Database(_)) => assert_eq!(source.to_string(), "database app"),
            other => panic!("{other:?}"),
        }
        let missing = dir.path().join("nowhere");
        let text = match Source::parse(&missing.display().to_string()) {
            Ok(source) => panic!("unexpectedly parsed {source:?}"),
            Err(e) => format!("{e:#}"),
        };
        assert!(
            text.starts_with(&format!("{}: no such file", missing.display())),
            "{text}"
        );
        let text = match Source::parse("postgres://u:Hunter2Pw@h:x/db") {
            Ok(source) => panic!("unexpectedly parsed {source:?}"),
            Err(e) => format!("{e:#}"),
        };
        assert_eq!(text, "invalid database URL: invalid port");
    }

    #[test]
    fn malformed_dotenv_lines_are_not_quoted() {
        let dir = dir_with_env("DATABASE_URL='postgres://u:Hunter2Pw@h/db\n");
        let text = message(resolve(None, None, &dir.path().join(".env")));
        assert!(text.starts_with("cannot read "), "{text}");
        assert!(!text.contains("Hunter2Pw"), "{text}");
    }
}
