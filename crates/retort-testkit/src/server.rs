//! Finding a PostgreSQL server the tests may create databases on.

use std::time::Duration;

use tokio::sync::OnceCell;
use tokio_postgres::Client;
use url::Url;

use crate::cluster::shared_cluster_url;
use crate::conn::{CONNECT_TIMEOUT, connect_url, redact};

/// Environment variable with the URL of a maintenance database on a server where the user may
/// `CREATE DATABASE`; when set, it is the only server considered.
pub const DATABASE_URL_ENV: &str = "RETORT_TEST_DATABASE_URL";

/// The server tried when [`DATABASE_URL_ENV`] is not set.
pub const LOCAL_DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// How long the local default server gets to answer before a throwaway cluster is used instead.
const LOCAL_DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

const NO_SERVER: &str = "no PostgreSQL server: set RETORT_TEST_DATABASE_URL, run one on \
    127.0.0.1:5432, or install PostgreSQL (Debian: apt-get install postgresql) so a throwaway \
    cluster can be started";

static SHARED: OnceCell<Result<Server, String>> = OnceCell::const_new();

/// Where a usable server is: the admin connection parameters, found once per process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// URL of the maintenance database, password included.
    admin: Url,
    version_num: u32,
}

impl Server {
    /// The shared server, discovered once per process by [`Server::discover`] with the value of
    /// `RETORT_TEST_DATABASE_URL`.
    ///
    /// # Panics
    /// When no server can be found or started, with a message saying what to install or set.
    pub async fn shared() -> &'static Server {
        let found = SHARED
            .get_or_init(|| async {
                let env_url = match std::env::var(DATABASE_URL_ENV) {
                    Ok(value) if value.trim().is_empty() => None,
                    Ok(value) => Some(value),
                    Err(std::env::VarError::NotPresent) => None,
                    Err(std::env::VarError::NotUnicode(_)) => {
                        return Err(format!("{DATABASE_URL_ENV} is not valid UTF-8"));
                    }
                };
                let found = Server::discover(env_url.as_deref()).await;
                if let Ok(server) = &found {
                    eprintln!(
                        "retort-testkit: using {} (server_version_num {})",
                        redact(server.admin.as_str()),
                        server.version_num
                    );
                }
                found
            })
            .await;
        match found {
            Ok(server) => server,
            Err(message) => panic!("{message}"),
        }
    }

    /// Finds a server. `database_url` is the value of `RETORT_TEST_DATABASE_URL` (passed in rather
    /// than read here, so the order can be tested without touching the process environment):
    ///
    /// 1. `database_url`, when given: used as is; failing to connect to it is an error, not a
    ///    reason to look elsewhere.
    /// 2. `postgres://postgres@127.0.0.1:5432/postgres`, if it answers within two seconds and its
    ///    user may create databases.
    /// 3. The per-user throwaway cluster started from the local PostgreSQL binaries and shared by
    ///    all test processes (see the crate documentation).
    pub async fn discover(database_url: Option<&str>) -> Result<Server, String> {
        if let Some(url) = database_url {
            return Server::connect(url, CONNECT_TIMEOUT)
                .await
                .map_err(|e| format!("{DATABASE_URL_ENV}={}: {e}", redact(url)));
        }
        let local_error = match Server::connect(LOCAL_DEFAULT_URL, LOCAL_DEFAULT_TIMEOUT).await {
            Ok(server) => return Ok(server),
            Err(e) => e,
        };
        let cluster = tokio::task::spawn_blocking(shared_cluster_url)
            .await
            .unwrap_or_else(|e| Err(format!("the cluster start-up task failed: {e}")));
        let cluster_error = match cluster {
            Ok(url) => match Server::connect(&url, CONNECT_TIMEOUT).await {
                Ok(server) => return Ok(server),
                Err(e) => format!("started at {url}, but: {e}"),
            },
            Err(e) => e,
        };
        Err(format!(
            "{NO_SERVER}\n  {LOCAL_DEFAULT_URL}: {local_error}\n  throwaway cluster: {cluster_error}"
        ))
    }

    /// Connects to `url` (a `postgres://` or `postgresql://` URL of a maintenance database; the
    /// database defaults to `postgres`), reads the server version and checks that the user may
    /// create databases.
    pub async fn connect(url: &str, timeout: Duration) -> Result<Server, String> {
        let mut admin = Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
        if !matches!(admin.scheme(), "postgres" | "postgresql") || admin.cannot_be_a_base() {
            return Err("not a postgres:// or postgresql:// URL".to_owned());
        }
        if admin.path().trim_start_matches('/').is_empty() {
            admin.set_path("/postgres");
        }
        let client = connect_url(admin.as_str(), timeout).await?;
        let row = client
            .query_one(
                "SELECT current_setting('server_version_num')::int4, \
                        (SELECT rolsuper OR rolcreatedb FROM pg_catalog.pg_roles \
                          WHERE rolname = current_user)",
                &[],
            )
            .await
            .map_err(|e| e.to_string())?;
        let version: i32 = row.get(0);
        let may_create: Option<bool> = row.get(1);
        if may_create != Some(true) {
            return Err("the user may not create databases (needs CREATEDB or SUPERUSER)".into());
        }
        Ok(Server {
            admin,
            version_num: u32::try_from(version).unwrap_or(0),
        })
    }

    /// URL of the maintenance database (normally `postgres`), password included.
    pub fn admin_url(&self) -> String {
        self.admin.to_string()
    }

    /// URL of `database` on this server, with the same user, password and parameters.
    pub fn url_for(&self, database: &str) -> String {
        let mut url = self.admin.clone();
        // `connect` rejected URLs that cannot be a base, so the segments are always available.
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.clear().push(database);
        }
        url.to_string()
    }

    /// `server_version_num`, e.g. `150019` for 15.19.
    pub fn server_version_num(&self) -> u32 {
        self.version_num
    }

    /// A new connection to the maintenance database.
    pub(crate) async fn admin_client(&self) -> Result<Client, String> {
        connect_url(self.admin.as_str(), CONNECT_TIMEOUT).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(url: &str) -> Server {
        Server {
            admin: Url::parse(url).expect("url"),
            version_num: 150000,
        }
    }

    #[test]
    fn url_for_swaps_only_the_database() {
        let s = server("postgres://u:p%40w@db.example:6543/postgres?sslmode=disable");
        assert_eq!(
            s.url_for("retort_test_1"),
            "postgres://u:p%40w@db.example:6543/retort_test_1?sslmode=disable"
        );
        assert_eq!(
            s.url_for("a/b c"),
            "postgres://u:p%40w@db.example:6543/a%2Fb%20c?sslmode=disable"
        );
    }

    #[tokio::test]
    async fn connect_rejects_what_is_not_a_postgres_url() {
        let e = Server::connect("host=/tmp user=x", CONNECT_TIMEOUT).await;
        assert!(matches!(&e, Err(m) if m.starts_with("not a URL")), "{e:?}");
        let e = Server::connect("mysql://root@127.0.0.1/x", CONNECT_TIMEOUT).await;
        assert!(
            matches!(&e, Err(m) if m.contains("not a postgres://")),
            "{e:?}"
        );
    }
}
