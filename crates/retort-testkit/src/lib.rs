//! PostgreSQL test harness: a fresh database per test on a server found once per process.
//!
//! ```no_run
//! # async fn example() {
//! use retort_testkit::TestDb;
//! let db = TestDb::new().await;
//! db.execute("CREATE TABLE t (id int PRIMARY KEY)").await;
//! let client = db.client().await;
//! # let _ = client;
//! // `db` drops its database when it goes out of scope, even if the test panics.
//! # }
//! ```
//!
//! # Which server
//! [`Server::shared`] looks, in order, for:
//! 1. `RETORT_TEST_DATABASE_URL`: the URL of a maintenance database (e.g.
//!    `postgres://postgres:secret@127.0.0.1:5433/postgres`) on a server where the user may
//!    `CREATE DATABASE`. When it is set, nothing else is tried.
//! 2. `postgres://postgres@127.0.0.1:5432/postgres`, if it answers within two seconds.
//! 3. A throwaway cluster started from the local PostgreSQL binaries (`$RETORT_TEST_PG_BINDIR`,
//!    `pg_config --bindir`, the highest `/usr/lib/postgresql/<version>/bin`, or `initdb` on PATH).
//!
//! Connections never use TLS.
//!
//! # The shared throwaway cluster
//! cargo-nextest runs every test in its own process, so the throwaway cluster of step 3 is shared
//! by all processes of an OS user rather than started per process: it lives in
//! `<temp dir>/retort-testkit-<euid>/cluster`, listens on 127.0.0.1 on a port chosen when it
//! starts (recorded in `<temp dir>/retort-testkit-<euid>/port`), and trusts every local
//! connection. A file lock (`.../lock`) makes one process start it while the others wait, and
//! later processes and later runs reuse it while it runs. It is left running; stop it with
//! `pg_ctl -D <temp dir>/retort-testkit-<euid>/cluster/data stop`.
//!
//! # Running as root
//! `initdb` and `postgres` refuse to run as root. When the effective user is root, they run as the
//! `postgres` OS user through `runuser -u postgres --` (or `setpriv`), and the cluster directories
//! are chowned to it; without such a user, starting a cluster fails with a message saying so.
//!
//! # Databases
//! [`TestDb`] names are `retort_test_<pid>_<counter>_<time>`. They are created from `template0`
//! with UTF8 encoding and the `C` locale, and dropped `WITH (FORCE)` when the value is dropped.
//! Set `RETORT_TEST_KEEP_DATABASES=1` to keep them for inspection. Roles made by
//! [`TestDb::create_role_if_missing`] belong to the server and are not dropped.

mod cluster;
pub mod conformance;
mod conn;
pub mod fixtures;
mod server;
mod sqlerror;
mod testdb;

pub use cluster::{BINDIR_ENV, Cluster, ClusterOptions};
pub use server::{DATABASE_URL_ENV, LOCAL_DEFAULT_URL, Server};
pub use testdb::{KEEP_ENV, TestDb};

/// Whether the test server is PostgreSQL `major`. When it is not, this says on standard error
/// that `what` is not checked there, and the test returns: for comparisons with text that only
/// that major prints.
pub async fn server_is_major(major: u32, what: &str) -> bool {
    let found = Server::shared().await.server_version_num() / 10_000;
    if found != major {
        eprintln!(
            "{what}: checked on PostgreSQL {major} only, whose printing it reproduces; the test \
             server is PostgreSQL {found}, so nothing is compared"
        );
    }
    found == major
}
