//! A fresh database per test.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use tokio_postgres::Client;
use tokio_postgres::error::SqlState;

use crate::conn::{CONNECT_TIMEOUT, block_on_isolated, connect_url};
use crate::server::Server;
use crate::sqlerror::{describe, error_chain};

/// Set to `1` to keep test databases after the test (their names are printed) for inspection.
pub const KEEP_ENV: &str = "RETORT_TEST_KEEP_DATABASES";

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh, uniquely named database, created from `template0` with UTF8 encoding and the `C`
/// locale (so text sorts by code point, as Rust strings do). Dropped with
/// `DROP DATABASE ... WITH (FORCE)` when this value is dropped, including during a panic unwind.
#[derive(Debug)]
pub struct TestDb {
    server: Server,
    name: String,
}

impl TestDb {
    /// A new database on [`Server::shared`].
    ///
    /// # Panics
    /// When no server is available or the database cannot be created.
    pub async fn new() -> TestDb {
        TestDb::on(Server::shared().await).await
    }

    /// A new database on `server`.
    ///
    /// # Panics
    /// When the database cannot be created.
    pub async fn on(server: &Server) -> TestDb {
        let name = unique_name();
        if let Err(e) = create_database(server, &name).await {
            panic!(
                "cannot create test database {name} on {}: {e}",
                crate::conn::redact(&server.admin_url())
            );
        }
        TestDb {
            server: server.clone(),
            name,
        }
    }

    /// The database name, `retort_test_<pid>_<counter>_<time>`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `postgres://user[:password]@host:port/<name>`.
    pub fn url(&self) -> String {
        self.server.url_for(&self.name)
    }

    /// The server the database lives on.
    pub fn server(&self) -> &Server {
        &self.server
    }

    /// A new connection to this database (no TLS); its connection task runs on the current runtime.
    ///
    /// # Panics
    /// When the connection fails.
    pub async fn client(&self) -> Client {
        match connect_url(&self.url(), CONNECT_TIMEOUT).await {
            Ok(client) => client,
            Err(e) => panic!("cannot connect to test database {}: {e}", self.name),
        }
    }

    /// Runs `sql` (any number of statements) on a fresh connection.
    ///
    /// # Panics
    /// When it fails, with PostgreSQL's message, SQLSTATE, the offending line with a caret under
    /// the reported position, and any detail, hint and context.
    pub async fn execute(&self, sql: &str) {
        if let Err(e) = self.try_execute(sql).await {
            panic!("SQL failed on test database {}:\n{e}", self.name);
        }
    }

    /// Runs `sql` on a fresh connection, returning the message [`TestDb::execute`] would panic with.
    pub async fn try_execute(&self, sql: &str) -> Result<(), String> {
        let client = self.client().await;
        client
            .batch_execute(sql)
            .await
            .map_err(|e| describe(sql, &e))
    }

    /// Creates the role (`NOLOGIN`, no privileges) unless it exists. Roles belong to the whole
    /// server, not to this database, so they outlive it; creating the same role from parallel
    /// tests is safe.
    ///
    /// # Panics
    /// When the role cannot be created for another reason.
    pub async fn create_role_if_missing(&self, role: &str) {
        if let Err(e) = self.try_create_role_if_missing(role).await {
            panic!("cannot create role {role:?}: {e}");
        }
    }

    async fn try_create_role_if_missing(&self, role: &str) -> Result<(), String> {
        let client = self.client().await;
        let exists = client
            .query_opt(
                "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1",
                &[&role],
            )
            .await
            .map_err(|e| error_chain(&e))?;
        if exists.is_some() {
            return Ok(());
        }
        // Let the server quote the name.
        let statement: String = client
            .query_one("SELECT format('CREATE ROLE %I', $1::text)", &[&role])
            .await
            .map_err(|e| error_chain(&e))?
            .get(0);
        match client.batch_execute(&statement).await {
            Ok(()) => Ok(()),
            // Another test created it between the check and the CREATE: either error, depending
            // on how far the other transaction had got.
            Err(e)
                if e.code() == Some(&SqlState::DUPLICATE_OBJECT)
                    || e.code() == Some(&SqlState::UNIQUE_VIOLATION) =>
            {
                Ok(())
            }
            Err(e) => Err(describe(&statement, &e)),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if std::env::var(KEEP_ENV).is_ok_and(|v| v == "1") {
            eprintln!(
                "retort-testkit: keeping test database {} ({KEEP_ENV}=1)",
                crate::conn::redact(&self.url())
            );
            return;
        }
        let server = self.server.clone();
        let name = self.name.clone();
        let dropped = block_on_isolated(async move { drop_database(&server, &name).await });
        if let Err(e) | Ok(Err(e)) = dropped {
            // Panicking in drop would abort during an unwind; leave a trace instead.
            eprintln!(
                "retort-testkit: could not drop test database {}: {e}",
                self.name
            );
        }
    }
}

/// `retort_test_<pid>_<counter>_<time>`: unique within the process by the counter, across
/// processes by the pid, and across runs that reuse a pid by the time (base 36 nanoseconds).
fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "retort_test_{}_{n}_{}",
        std::process::id(),
        base36(nanos % 36u128.pow(8))
    )
}

fn base36(mut n: u128) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// Names made by [`unique_name`] are plain lower-case identifiers and need no quoting; this
/// guards that assumption before a name is put into a statement.
fn plain_identifier(name: &str) -> Result<&str, String> {
    let ok = name.len() < 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(name)
    } else {
        Err(format!("{name:?} is not a plain identifier"))
    }
}

async fn create_database(server: &Server, name: &str) -> Result<(), String> {
    let name = plain_identifier(name)?;
    let client = server.admin_client().await?;
    let sql = format!(
        "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
    );
    client
        .batch_execute(&sql)
        .await
        .map_err(|e| describe(&sql, &e))
}

async fn drop_database(server: &Server, name: &str) -> Result<(), String> {
    let name = plain_identifier(name)?;
    let client = server.admin_client().await?;
    if server.server_version_num() >= 130000 {
        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        return client
            .batch_execute(&sql)
            .await
            .map_err(|e| describe(&sql, &e));
    }
    // Before PostgreSQL 13: end the sessions, then drop.
    client
        .execute(
            "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity \
             WHERE datname = $1 AND pid <> pg_catalog.pg_backend_pid()",
            &[&name],
        )
        .await
        .map_err(|e| error_chain(&e))?;
    let sql = format!("DROP DATABASE IF EXISTS {name}");
    client
        .batch_execute(&sql)
        .await
        .map_err(|e| describe(&sql, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_plain_identifiers() {
        let a = unique_name();
        let b = unique_name();
        assert_ne!(a, b);
        for name in [&a, &b] {
            assert_eq!(plain_identifier(name), Ok(name.as_str()));
            assert!(
                name.starts_with(&format!("retort_test_{}_", std::process::id())),
                "{name}"
            );
        }
    }

    #[test]
    fn plain_identifier_rejects_anything_needing_quotes() {
        for bad in ["", "1abc", "Abc", "a-b", "a\"b", "a b", &"a".repeat(64)] {
            assert!(plain_identifier(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn base36_digits() {
        assert_eq!(base36(0), "0");
        assert_eq!(base36(35), "z");
        assert_eq!(base36(36), "10");
        assert_eq!(base36(36u128.pow(8) - 1), "zzzzzzzz");
    }
}
