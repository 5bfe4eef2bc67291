//! Connecting for real: TLS modes against the local server (Debian's PostgreSQL runs with
//! `ssl = on` and its snakeoil certificate), and the one-line error for each way a connection
//! fails.

use std::time::Duration;

use retort_introspect::conn::{ConnError, DatabaseUrl, SslMode, connect};
use retort_testkit::{Cluster, ClusterOptions};

/// The local server the TLS tests need, with `ssl = on`.
const LOCAL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
/// Debian's self-signed certificate, which the local server presents.
const SNAKEOIL: &str = "/etc/ssl/certs/ssl-cert-snakeoil.pem";

fn parse(text: &str) -> DatabaseUrl {
    text.parse()
        .unwrap_or_else(|e| panic!("{text} should parse: {e}"))
}

async fn connect_ok(text: &str) -> tokio_postgres::Client {
    connect(&parse(text))
        .await
        .unwrap_or_else(|e| panic!("{text} should connect: {e}"))
}

async fn connect_err(text: &str) -> ConnError {
    match connect(&parse(text)).await {
        Ok(_) => panic!("{text} should not connect"),
        Err(e) => {
            let message = e.to_string();
            assert!(!message.contains('\n'), "not one line: {message}");
            e
        }
    }
}

async fn uses_tls(client: &tokio_postgres::Client) -> bool {
    client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .expect("pg_stat_ssl is readable")
        .get(0)
}

/// Fails (never skips) when the local server does not offer TLS: the TLS tests would prove
/// nothing.
async fn require_local_ssl() {
    let client = connect_ok(&format!("{LOCAL}?sslmode=disable")).await;
    let ssl: String = client
        .query_one("SHOW ssl", &[])
        .await
        .expect("SHOW ssl")
        .get(0);
    assert_eq!(
        ssl, "on",
        "the PostgreSQL server on 127.0.0.1:5432 must run with ssl = on for the TLS tests"
    );
}

fn start_cluster(auth: &str, password: Option<&str>) -> Cluster {
    Cluster::start(ClusterOptions {
        auth: auth.to_owned(),
        superuser_password: password.map(str::to_owned),
        ..ClusterOptions::default()
    })
    .unwrap_or_else(|e| panic!("cannot start a throwaway cluster: {e}"))
}

#[tokio::test]
async fn sslmode_require_encrypts() {
    require_local_ssl().await;
    let client = connect_ok(&format!("{LOCAL}?sslmode=require")).await;
    assert!(uses_tls(&client).await);
}

#[tokio::test]
async fn sslmode_prefer_is_the_default_and_encrypts_when_offered() {
    require_local_ssl().await;
    let url = parse(LOCAL);
    assert_eq!(url.ssl_mode(), SslMode::Prefer);
    let client = connect(&url).await.expect("connects");
    assert!(uses_tls(&client).await);
}

#[tokio::test]
async fn sslmode_disable_and_allow_stay_in_plaintext() {
    require_local_ssl().await;
    for mode in ["disable", "allow"] {
        let client = connect_ok(&format!("{LOCAL}?sslmode={mode}")).await;
        assert!(!uses_tls(&client).await, "sslmode={mode}");
    }
}

#[tokio::test]
async fn asyncpg_ssl_alias_encrypts() {
    require_local_ssl().await;
    let client =
        connect_ok("postgresql+asyncpg://postgres@127.0.0.1:5432/postgres?ssl=require").await;
    assert!(uses_tls(&client).await);
}

#[tokio::test]
async fn verify_full_without_a_ca_rejects_the_snakeoil_certificate() {
    require_local_ssl().await;
    let err = connect_err(&format!("{LOCAL}?sslmode=verify-full")).await;
    assert!(matches!(err, ConnError::Tls { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "could not connect to server at 127.0.0.1:5432: certificate verification failed \
         (sslmode=verify-full): the server certificate is not signed by a known CA (set \
         sslrootcert to the server's CA file)"
    );
    // verify-ca checks the chain too.
    let err = connect_err(&format!("{LOCAL}?sslmode=verify-ca")).await;
    assert!(
        err.to_string()
            .contains("certificate verification failed (sslmode=verify-ca)"),
        "{err}"
    );
}

#[tokio::test]
async fn verify_ca_accepts_a_trusted_chain_whatever_the_host_name() {
    require_local_ssl().await;
    // The snakeoil certificate is issued for the machine's name, not 127.0.0.1.
    let client = connect_ok(&format!("{LOCAL}?sslmode=verify-ca&sslrootcert={SNAKEOIL}")).await;
    assert!(uses_tls(&client).await);
    // require with a root certificate verifies the chain as well (libpq's rule).
    let client = connect_ok(&format!("{LOCAL}?sslmode=require&sslrootcert={SNAKEOIL}")).await;
    assert!(uses_tls(&client).await);
}

#[tokio::test]
async fn verify_full_checks_the_host_name() {
    require_local_ssl().await;
    let err = connect_err(&format!(
        "{LOCAL}?sslmode=verify-full&sslrootcert={SNAKEOIL}"
    ))
    .await;
    assert_eq!(
        err.to_string(),
        "could not connect to server at 127.0.0.1:5432: certificate verification failed \
         (sslmode=verify-full): the server certificate is not valid for host '127.0.0.1'"
    );
}

#[tokio::test]
async fn unreadable_sslrootcert_is_reported() {
    let err = connect_err(&format!(
        "{LOCAL}?sslmode=verify-ca&sslrootcert=/nonexistent/root.crt"
    ))
    .await;
    assert_eq!(
        err.to_string(),
        "could not connect to server at 127.0.0.1:5432: cannot read sslrootcert \
         '/nonexistent/root.crt': no such file or directory"
    );
}

#[tokio::test]
async fn require_against_a_server_without_tls_fails() {
    let cluster = start_cluster("trust", None);
    let base = cluster.url("postgres");
    let err = connect_err(&format!("{base}?sslmode=require")).await;
    assert!(matches!(err, ConnError::Tls { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "could not connect to server at 127.0.0.1:{}: server does not support TLS \
             (sslmode=require)",
            cluster.port()
        )
    );
    // prefer falls back to plaintext.
    let client = connect_ok(&format!("{base}?sslmode=prefer")).await;
    assert!(!uses_tls(&client).await);
}

#[tokio::test]
async fn unix_sockets_never_use_tls() {
    let cluster = start_cluster("trust", None);
    let dir = cluster.socket_dir();
    let text = format!(
        "postgres://postgres@/postgres?host={}&port={}&sslmode=require",
        dir.display(),
        cluster.port()
    );
    let url = parse(&text);
    assert_eq!(url.ssl_mode(), SslMode::Disable);
    let client = connect(&url).await.expect("connects over the socket");
    let row = client
        .query_one("SELECT inet_client_addr() IS NULL", &[])
        .await
        .expect("query");
    assert!(row.get::<_, bool>(0), "not a Unix-domain socket connection");
}

#[tokio::test]
async fn refused() {
    let err = connect_err("postgres://postgres:Pw4Refused@127.0.0.1:1/postgres").await;
    assert!(matches!(err, ConnError::Unreachable { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "could not connect to server at 127.0.0.1:1: connection refused"
    );
}

#[tokio::test]
async fn a_silent_server_times_out() {
    // The kernel accepts the TCP connection; nothing ever answers the startup packet.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("local addr").port();
    let started = std::time::Instant::now();
    let err = connect_err(&format!(
        "postgres://postgres:Pw4Timeout@127.0.0.1:{port}/postgres?connect_timeout=2"
    ))
    .await;
    assert!(matches!(err, ConnError::Timeout { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("could not connect to server at 127.0.0.1:{port}: timed out after 2 s")
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    drop(listener);
}

#[tokio::test]
async fn unknown_database() {
    let err = connect_err("postgres://postgres@127.0.0.1:5432/retort_no_such_database").await;
    assert!(
        matches!(&err, ConnError::UnknownDatabase { database, .. } if database == "retort_no_such_database"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "could not connect to server at 127.0.0.1:5432: database \"retort_no_such_database\" \
         does not exist"
    );
}

#[tokio::test]
async fn password_authentication() {
    let cluster = start_cluster("scram-sha-256", Some("s3cret"));
    let port = cluster.port();

    let client = connect_ok(&cluster.url("postgres")).await;
    let one: i32 = client
        .query_one("SELECT 1", &[])
        .await
        .expect("query")
        .get(0);
    assert_eq!(one, 1);

    let wrong = "Wr0ngPassw0rd";
    let err = connect_err(&format!(
        "postgres://postgres:{wrong}@127.0.0.1:{port}/postgres"
    ))
    .await;
    assert!(matches!(err, ConnError::Authentication { .. }), "{err:?}");
    let message = err.to_string();
    assert_eq!(
        message,
        format!(
            "could not connect to server at 127.0.0.1:{port}: password authentication failed \
             for user \"postgres\""
        )
    );
    assert!(!format!("{err:?}").contains(wrong));

    let err = connect_err(&format!("postgres://postgres@127.0.0.1:{port}/postgres")).await;
    assert_eq!(
        err.to_string(),
        format!(
            "could not connect to server at 127.0.0.1:{port}: the server requires a password \
             and the URL has none"
        )
    );
}

#[tokio::test]
async fn a_password_equal_to_the_user_name_is_still_hidden() {
    let cluster = start_cluster("scram-sha-256", Some("s3cret"));
    let err = connect_err(&format!(
        "postgres://postgres:postgres@127.0.0.1:{}/postgres",
        cluster.port()
    ))
    .await;
    let message = err.to_string();
    assert!(!message.contains("postgres\""), "{message}");
    assert!(message.contains("password authentication failed for user \"***\""));
}

#[tokio::test]
async fn url_parameters_reach_the_session() {
    let client = connect_ok(&format!(
        "{LOCAL}?sslmode=disable&options=-c%20search_path%3Dretort_x"
    ))
    .await;
    let row = client
        .query_one(
            "SELECT current_setting('application_name'), current_setting('search_path')",
            &[],
        )
        .await
        .expect("query");
    assert_eq!(row.get::<_, String>(0), "retort");
    assert_eq!(row.get::<_, String>(1), "retort_x");

    let client = connect_ok(&format!(
        "{LOCAL}?sslmode=disable&application_name=my%20tool"
    ))
    .await;
    let name: String = client
        .query_one("SELECT current_setting('application_name')", &[])
        .await
        .expect("query")
        .get(0);
    assert_eq!(name, "my tool");
}
