//! Scratch databases: load SQL into a temporary database on a development server and read its catalog.
//!
//! This is the exact way to canonicalize a declared schema: PostgreSQL itself parses the SQL,
//! resolves names and types, and prints every expression; [`crate::introspect`] then reads the
//! result like any live database.
//!
//! [`catalog_of_scripts`] creates a database named `retort_scratch_<pid>_<n>_<time>` (the fixed
//! prefix [`SCRATCH_PREFIX`] lets leftovers of a killed process be found, and nothing without it is
//! ever dropped), runs the scripts in order, reads the catalog, and drops the database with
//! `DROP DATABASE ... WITH (FORCE)` on success, on error and on Ctrl-C.
//!
//! The database is created from `template0` (so it starts empty, whatever `template1` holds) with
//! UTF8 encoding and the `C` locale, as the test harness creates its databases. Each script runs
//! as one `batch_execute` (one implicit transaction unless it manages its own), and session state
//! is reset between scripts with `DISCARD ALL`, so a `SET search_path` in one file does not leak
//! into the next; a script that leaves a transaction open is an error.

use crate::position::locate;
use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use tokio_postgres::Client;
use tokio_postgres::error::{ErrorPosition, SqlState};

use crate::conn::{ConnError, DatabaseUrl, connect};
use crate::{
    IntrospectError, IntrospectOptions, Introspection, MIN_SERVER_VERSION_NUM, introspect,
};

/// Every scratch database name starts with this; only such names are ever dropped.
pub const SCRATCH_PREFIX: &str = "retort_scratch_";

/// One named piece of SQL (a schema file, or a rendered TOML file), loaded in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Script {
    /// Display path, e.g. `schema/users.sql`; errors start with it.
    pub name: String,
    pub sql: String,
}

impl Script {
    pub fn new(name: impl Into<String>, sql: impl Into<String>) -> Script {
        Script {
            name: name.into(),
            sql: sql.into(),
        }
    }
}

/// Why a script failed: PostgreSQL's message, located in the script where the server says where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    /// [`Script::name`].
    pub name: String,
    /// 1-based line in the script, when PostgreSQL reported a position.
    pub line: Option<usize>,
    /// 1-based column in characters, when PostgreSQL reported a position.
    pub column: Option<usize>,
    /// PostgreSQL's primary message (or the client error when the server sent none).
    pub message: String,
    /// The five-character SQLSTATE, when the server reported the error.
    pub code: Option<String>,
    pub detail: Option<String>,
    pub hint: Option<String>,
    /// PostgreSQL's `CONTEXT` (e.g. the function or statement being run).
    pub context: Option<String>,
    /// The offending line and a caret line under the reported column.
    pub excerpt: Option<String>,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => {
                write!(f, "{}:{line}:{column}: {}", self.name, self.message)?;
            }
            _ => write!(f, "{}: {}", self.name, self.message)?,
        }
        if let Some(excerpt) = &self.excerpt {
            write!(f, "\n{excerpt}")?;
        }
        if let Some(detail) = &self.detail {
            write!(f, "\nDETAIL: {detail}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\nHINT: {hint}")?;
        }
        if let Some(context) = &self.context {
            write!(f, "\nCONTEXT: {context}")?;
        }
        Ok(())
    }
}

/// What went wrong while loading scripts into a scratch database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScratchError {
    /// The development server (or the scratch database on it) could not be reached.
    #[error(transparent)]
    Connect(ConnError),
    #[error(
        "scratch databases need PostgreSQL 13 or later (DROP DATABASE ... WITH (FORCE)); the development server runs {found}"
    )]
    UnsupportedServer { found: String },
    /// `CREATE DATABASE` failed, most often because the user lacks `CREATEDB`.
    #[error("could not create scratch database {database} on {server}: {message}{}", createdb_hint(.code, .user))]
    CreateDatabase {
        database: String,
        /// `host:port` or the socket path.
        server: String,
        user: String,
        message: String,
        code: Option<String>,
    },
    /// A script failed; the first line of the message is `<name>:<line>:<column>: <message>`
    /// (or `<name>: <message>` when PostgreSQL reported no position).
    #[error("{0}")]
    Script(Box<ScriptError>),
    /// Reading the catalog of the scratch database failed.
    /// (Not a `source`: the message already holds it, and error chains would print it twice.)
    #[error("reading the scratch database: {0}")]
    Introspect(IntrospectError),
    /// A query on the development server's maintenance database failed.
    #[error("development server: {0}")]
    Server(String),
    /// The scratch database could not be dropped; `cause` is the error that came first, if any.
    #[error("could not drop scratch database {database}: {message} (drop it by hand){}", cause_suffix(.cause))]
    Drop {
        database: String,
        message: String,
        cause: Option<Box<ScratchError>>,
    },
    /// Ctrl-C (or the caller's interrupt) arrived; the scratch database was dropped.
    #[error("interrupted")]
    Interrupted,
}

fn createdb_hint(code: &Option<String>, user: &str) -> String {
    if code.as_deref() == Some(SqlState::INSUFFICIENT_PRIVILEGE.code()) {
        format!(" (the user {user} needs the CREATEDB privilege on the development server)")
    } else {
        String::new()
    }
}

fn cause_suffix(cause: &Option<Box<ScratchError>>) -> String {
    match cause {
        Some(cause) => format!("; it was being dropped after: {cause}"),
        None => String::new(),
    }
}

/// Loads `scripts` in order into a new scratch database on the server `dev` points at, reads its
/// catalog, and drops it: on success, on error, and on Ctrl-C (then [`ScratchError::Interrupted`]).
///
/// `dev` names the maintenance database to connect to (e.g. `postgres`); its user needs
/// `CREATEDB`. Waiting for Ctrl-C installs tokio's SIGINT handler, which stays installed for the
/// rest of the process.
pub async fn catalog_of_scripts(
    dev: &DatabaseUrl,
    scripts: &[Script],
    options: &IntrospectOptions,
) -> Result<Introspection, ScratchError> {
    catalog_of_scripts_until(dev, scripts, options, ctrl_c()).await
}

/// Completes on Ctrl-C; never, when no handler can be installed.
async fn ctrl_c() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// [`catalog_of_scripts`], interrupted when `interrupt` completes instead of on Ctrl-C.
pub async fn catalog_of_scripts_until<F>(
    dev: &DatabaseUrl,
    scripts: &[Script],
    options: &IntrospectOptions,
    interrupt: F,
) -> Result<Introspection, ScratchError>
where
    F: Future<Output = ()>,
{
    let admin = connect(dev).await.map_err(ScratchError::Connect)?;
    let version = server_version(&admin).await?;
    if version < MIN_SERVER_VERSION_NUM {
        return Err(ScratchError::UnsupportedServer {
            found: format!("{}.{}", version / 10_000, version % 10_000),
        });
    }
    let name = unique_name();
    // Armed before CREATE DATABASE is sent: if this future is dropped from outside while the
    // database may exist, a cleanup task drops it.
    let guard = CleanupGuard {
        dev,
        name: &name,
        armed: Cell::new(true),
    };
    let outcome = tokio::select! {
        biased;
        () = interrupt => Err(ScratchError::Interrupted),
        result = load_and_read(&admin, dev, &name, scripts, options, &guard.armed) => result,
    };
    // `armed` is false only when CREATE DATABASE failed: then there is nothing of ours to drop.
    let dropped = if guard.armed.get() {
        drop_database(&admin, &name).await
    } else {
        Ok(())
    };
    guard.armed.set(false);
    drop(guard);
    match (outcome, dropped) {
        (outcome, Ok(())) => outcome,
        (Ok(_), Err(message)) => Err(ScratchError::Drop {
            database: name,
            message,
            cause: None,
        }),
        (Err(cause), Err(message)) => Err(ScratchError::Drop {
            database: name,
            message,
            cause: Some(Box::new(cause)),
        }),
    }
}

async fn load_and_read(
    admin: &Client,
    dev: &DatabaseUrl,
    name: &str,
    scripts: &[Script],
    options: &IntrospectOptions,
    created: &Cell<bool>,
) -> Result<Introspection, ScratchError> {
    let create = format!(
        "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'",
        plain_identifier(name)?
    );
    if let Err(e) = admin.batch_execute(&create).await {
        created.set(false);
        return Err(ScratchError::CreateDatabase {
            database: name.to_owned(),
            server: dev.target(),
            user: dev.user().to_owned(),
            message: db_message(&e),
            code: e.code().map(|c| c.code().to_owned()),
        });
    }
    let client = connect(&dev.with_database(name))
        .await
        .map_err(ScratchError::Connect)?;
    for script in scripts {
        client
            .batch_execute(&script.sql)
            .await
            .map_err(|e| ScratchError::Script(Box::new(script_error(script, &e))))?;
        // Fresh session state for the next script; fails inside an open transaction block.
        if let Err(e) = client.batch_execute("DISCARD ALL").await {
            let mut error = script_error(script, &e);
            if e.code() == Some(&SqlState::ACTIVE_SQL_TRANSACTION) {
                error.message =
                    "the script leaves a transaction open (BEGIN without COMMIT)".into();
                error.code = None;
            }
            error.line = None;
            error.column = None;
            error.excerpt = None;
            return Err(ScratchError::Script(Box::new(error)));
        }
    }
    introspect(&client, options)
        .await
        .map_err(ScratchError::Introspect)
}

async fn server_version(admin: &Client) -> Result<u32, ScratchError> {
    let row = admin
        .query_one(
            "SELECT pg_catalog.current_setting('server_version_num')",
            &[],
        )
        .await
        .map_err(|e| ScratchError::Server(db_message(&e)))?;
    let text: String = row
        .try_get(0)
        .map_err(|e| ScratchError::Server(e.to_string()))?;
    text.trim()
        .parse()
        .map_err(|_| ScratchError::UnsupportedServer { found: text })
}

/// `DROP DATABASE IF EXISTS <name> WITH (FORCE)`, refused for any name without [`SCRATCH_PREFIX`].
async fn drop_database(admin: &Client, name: &str) -> Result<(), String> {
    if !is_scratch_database(name) {
        return Err(format!("{name:?} is not a scratch database name"));
    }
    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    admin.batch_execute(&sql).await.map_err(|e| db_message(&e))
}

/// Whether `name` is one this module makes (and so may drop): the prefix, then a plain identifier.
pub fn is_scratch_database(name: &str) -> bool {
    name.starts_with(SCRATCH_PREFIX) && plain_identifier(name).is_ok()
}

/// Drops the scratch database when the loading future is dropped before it finished (a caller's
/// timeout, an aborted task): best effort, on a task of the current runtime.
struct CleanupGuard<'a> {
    dev: &'a DatabaseUrl,
    name: &'a str,
    armed: Cell<bool>,
}

impl Drop for CleanupGuard<'_> {
    fn drop(&mut self) {
        if !self.armed.get() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let dev = self.dev.clone();
        let name = self.name.to_owned();
        runtime.spawn(async move {
            if let Ok(admin) = connect(&dev).await {
                let _ = drop_database(&admin, &name).await;
            }
        });
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// `retort_scratch_<pid>_<counter>_<time>`: unique within the process by the counter, across
/// processes by the pid, across runs that reuse a pid by the time (base 36 nanoseconds).
fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{SCRATCH_PREFIX}{}_{n}_{}",
        std::process::id(),
        base36(nanos % 36u128.pow(8))
    )
}

fn base36(mut n: u128) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = String::new();
    loop {
        out.insert(0, char::from(DIGITS[(n % 36) as usize]));
        n /= 36;
        if n == 0 {
            return out;
        }
    }
}

/// Scratch names are plain lower-case identifiers that never need quoting (this crate does not
/// link the quoting code); this guards that before a name is put into a statement.
fn plain_identifier(name: &str) -> Result<&str, ScratchError> {
    let ok = name.len() < 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(name)
    } else {
        Err(ScratchError::Server(format!(
            "{name:?} is not a plain identifier"
        )))
    }
}

fn db_message(err: &tokio_postgres::Error) -> String {
    match err.as_db_error() {
        Some(db) => db.message().to_owned(),
        None => err.to_string(),
    }
}

fn script_error(script: &Script, err: &tokio_postgres::Error) -> ScriptError {
    let Some(db) = err.as_db_error() else {
        return ScriptError {
            name: script.name.clone(),
            line: None,
            column: None,
            message: err.to_string(),
            code: None,
            detail: None,
            hint: None,
            context: None,
            excerpt: None,
        };
    };
    let (line, column, excerpt) = match db.position() {
        Some(ErrorPosition::Original(position)) => match locate(&script.sql, *position as usize) {
            Some(loc) => (Some(loc.line), Some(loc.column), Some(loc.excerpt())),
            None => (None, None, None),
        },
        // A position inside a query PostgreSQL built (e.g. a function body it validated): shown,
        // but it is not a place in the script.
        Some(ErrorPosition::Internal { position, query }) => (
            None,
            None,
            locate(query, *position as usize)
                .map(|loc| format!("in the query PostgreSQL ran:\n{}", loc.excerpt())),
        ),
        None => (None, None, None),
    };
    ScriptError {
        name: script.name.clone(),
        line,
        column,
        message: db.message().to_owned(),
        code: Some(db.code().code().to_owned()),
        detail: db.detail().map(str::to_owned),
        hint: db.hint().map(str::to_owned),
        context: db.where_().map(str::to_owned),
        excerpt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::position::Location;

    fn loc(line: usize, column: usize, text: &str) -> Option<Location> {
        Some(Location {
            line,
            column,
            text: text.to_owned(),
        })
    }

    #[test]
    fn positions_become_lines_and_columns_in_characters() {
        assert_eq!(locate("SELEC 1;", 1), loc(1, 1, "SELEC 1;"));
        let sql = "SELECT 1;\r\nSELECT 2;\r\nSELEC 3;\r\n";
        assert_eq!(locate(sql, 27), loc(3, 5, "SELEC 3;"));
        let sql = "SELECT 'é';\nSELECT 'ü' FRO t;";
        assert_eq!(locate(sql, 24), loc(2, 12, "SELECT 'ü' FRO t;"));
        assert_eq!(locate("SELECT (1", 10), loc(1, 10, "SELECT (1"));
        assert_eq!(locate("SELECT 1", 20), None);
        assert_eq!(locate("SELECT 1", 0), None);
    }

    #[test]
    fn caret_keeps_tabs() {
        let l = Location {
            line: 1,
            column: 5,
            text: "\tSELEC 2;".into(),
        };
        assert_eq!(l.excerpt(), "\tSELEC 2;\n\t   ^");
    }

    #[test]
    fn script_error_display() {
        let e = ScriptError {
            name: "schema/b.sql".into(),
            line: Some(3),
            column: Some(7),
            message: "syntax error at or near \"TABL\"".into(),
            code: Some("42601".into()),
            detail: None,
            hint: Some("h".into()),
            context: None,
            excerpt: Some("CREATE TABL x ();\n      ^".into()),
        };
        assert_eq!(
            ScratchError::Script(Box::new(e.clone())).to_string(),
            "schema/b.sql:3:7: syntax error at or near \"TABL\"\nCREATE TABL x ();\n      ^\nHINT: h"
        );
        let e = ScriptError {
            line: None,
            column: None,
            excerpt: None,
            hint: None,
            ..e
        };
        assert_eq!(
            e.to_string(),
            "schema/b.sql: syntax error at or near \"TABL\""
        );
    }

    #[test]
    fn names_are_unique_and_only_scratch_names_are_dropped() {
        let a = unique_name();
        let b = unique_name();
        assert_ne!(a, b);
        assert!(
            is_scratch_database(&a) && is_scratch_database(&b),
            "{a} {b}"
        );
        assert!(a.starts_with(&format!("{SCRATCH_PREFIX}{}_", std::process::id())));
        assert!(!is_scratch_database("postgres"));
        assert!(!is_scratch_database("retort_test_1_2_3"));
        assert!(!is_scratch_database(
            "retort_scratch_1\"; DROP DATABASE x; --"
        ));
        assert!(!is_scratch_database("Retort_scratch_1"));
        assert_eq!(base36(0), "0");
        assert_eq!(base36(36 * 36 + 35), "10z");
    }

    #[test]
    fn createdb_hint_only_for_missing_privilege() {
        let e = ScratchError::CreateDatabase {
            database: "retort_scratch_1_0_a".into(),
            server: "h:5432".into(),
            user: "dev".into(),
            message: "permission denied to create database".into(),
            code: Some("42501".into()),
        };
        assert_eq!(
            e.to_string(),
            "could not create scratch database retort_scratch_1_0_a on h:5432: permission denied \
             to create database (the user dev needs the CREATEDB privilege on the development server)"
        );
    }
}
