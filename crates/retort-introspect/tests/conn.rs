//! Connecting for real: TLS modes against the local server (Debian's PostgreSQL runs with
//! `ssl = on` and its snakeoil certificate), against throwaway clusters serving certificates
//! issued by a test CA, and the one-line error for each way a connection fails.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use retort_introspect::conn::{ConnError, DatabaseUrl, SslMode, connect};
use retort_testkit::{Cluster, ClusterOptions};
use tempfile::TempDir;

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

// ---------------------------------------------------------------------------------------------
// Certificates issued by a test CA.
//
// Each test below owns its cluster (about a second to start), so that the server is stopped and
// its directory removed when the test ends; the checks on one certificate share one cluster.

/// The superuser's password on the TLS clusters: every check also authenticates (SCRAM) over TLS.
const TLS_PASSWORD: &str = "Tls5ecretPw";

/// A certificate authority for the tests.
struct TestCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl TestCa {
    fn new(name: &str) -> TestCa {
        let key = KeyPair::generate().expect("CA key");
        let issuer = CertifiedIssuer::self_signed(ca_params(name), key).expect("CA certificate");
        TestCa { issuer }
    }

    /// An intermediate CA signed by this one.
    fn intermediate(&self, name: &str) -> TestCa {
        let key = KeyPair::generate().expect("intermediate key");
        let issuer = CertifiedIssuer::signed_by(ca_params(name), key, &self.issuer)
            .expect("intermediate certificate");
        TestCa { issuer }
    }

    fn cert_pem(&self) -> String {
        self.issuer.pem()
    }

    /// A server certificate for `names` (host names or IP addresses) and its key, in PEM.
    fn issue_server_cert(&self, names: &[&str]) -> (String, String) {
        let names: Vec<String> = names.iter().map(|name| (*name).to_owned()).collect();
        let mut params = CertificateParams::new(names.clone()).expect("server names");
        params
            .distinguished_name
            .push(DnType::CommonName, names[0].as_str());
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let key = KeyPair::generate().expect("server key");
        let cert = params
            .signed_by(&key, &self.issuer)
            .expect("server certificate");
        (cert.pem(), key.serialize_pem())
    }
}

fn ca_params(name: &str) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params
}

/// A scram-sha-256 cluster serving `cert_pem` (a certificate, possibly followed by its
/// intermediates) with `key_pem`.
struct TlsServer {
    cluster: Cluster,
    /// Holds the root certificate files handed to `sslrootcert`.
    files: TempDir,
}

impl TlsServer {
    fn start(cert_pem: String, key_pem: String) -> TlsServer {
        let cluster = Cluster::start(ClusterOptions {
            auth: "scram-sha-256".to_owned(),
            superuser_password: Some(TLS_PASSWORD.to_owned()),
            tls_cert_pem: Some(cert_pem),
            tls_key_pem: Some(key_pem),
        })
        .unwrap_or_else(|e| panic!("cannot start a TLS cluster: {e}"));
        let files = tempfile::tempdir().expect("tempdir");
        TlsServer { cluster, files }
    }

    /// Writes a CA certificate for `sslrootcert`; returns its path.
    fn root_file(&self, name: &str, ca: &TestCa) -> PathBuf {
        let path = self.files.path().join(name);
        std::fs::write(&path, ca.cert_pem()).expect("write CA file");
        path
    }

    /// `postgres://postgres:<password>@<host>:<port>/postgres?<query>`.
    fn url(&self, host: &str, query: &str) -> String {
        format!(
            "postgres://postgres:{TLS_PASSWORD}@{host}:{}/postgres?{query}",
            self.cluster.port()
        )
    }

    /// Connects with `query`, then checks that the session is encrypted and authenticated.
    async fn connects(&self, host: &str, query: &str) {
        let client = connect_ok(&self.url(host, query)).await;
        assert!(uses_tls(&client).await, "{host}?{query}: not encrypted");
        let user: String = client
            .query_one("SELECT current_user::text", &[])
            .await
            .expect("current_user")
            .get(0);
        assert_eq!(user, "postgres");
    }

    /// Fails to connect with `query`; returns the one-line message, checked free of the password.
    async fn refused(&self, host: &str, query: &str) -> (ConnError, String) {
        let err = connect_err(&self.url(host, query)).await;
        let message = err.to_string();
        assert!(!message.contains(TLS_PASSWORD), "password shown: {message}");
        assert!(!format!("{err:?}").contains(TLS_PASSWORD), "{err:?}");
        (err, message)
    }
}

fn root(path: &Path) -> String {
    path.display().to_string()
}

#[tokio::test]
async fn verify_full_and_verify_ca_accept_a_server_signed_by_sslrootcert() {
    let ca = TestCa::new("retort test CA");
    let unrelated = TestCa::new("retort unrelated CA");
    let (cert, key) = ca.issue_server_cert(&["localhost", "127.0.0.1"]);
    let server = TlsServer::start(cert, key);
    let ca_file = root(&server.root_file("ca.pem", &ca));
    let other_file = root(&server.root_file("other-ca.pem", &unrelated));
    let port = server.cluster.port();

    // The chain leads to sslrootcert, and the name matches: by DNS name, and by IP address.
    for host in ["localhost", "127.0.0.1"] {
        for mode in ["verify-full", "verify-ca"] {
            server
                .connects(host, &format!("sslmode={mode}&sslrootcert={ca_file}"))
                .await;
        }
    }
    // Channel binding (SCRAM-SHA-256-PLUS) needs the TLS session: it works over a verified one.
    server
        .connects(
            "localhost",
            &format!("sslmode=verify-full&sslrootcert={ca_file}&channel_binding=require"),
        )
        .await;
    // require without a root certificate encrypts without checking.
    server.connects("localhost", "sslmode=require").await;
    server.connects("127.0.0.1", "sslmode=require").await;

    // A CA that did not sign the server certificate: refused by every verifying mode, require
    // with sslrootcert included (it means verify-ca).
    for (mode, shown) in [
        ("verify-full", "verify-full"),
        ("verify-ca", "verify-ca"),
        ("require", "verify-ca"),
    ] {
        let (err, message) = server
            .refused(
                "localhost",
                &format!("sslmode={mode}&sslrootcert={other_file}"),
            )
            .await;
        assert!(matches!(err, ConnError::Tls { .. }), "{err:?}");
        assert_eq!(
            message,
            format!(
                "could not connect to server at localhost:{port}: certificate verification \
                 failed (sslmode={shown}): the server certificate is not signed by the CA in \
                 sslrootcert '{other_file}'"
            )
        );
    }

    // Authentication still applies once TLS is up.
    let url = server
        .url(
            "localhost",
            &format!("sslmode=verify-full&sslrootcert={ca_file}"),
        )
        .replace(TLS_PASSWORD, "Wr0ngTlsPw");
    let err = connect_err(&url).await;
    assert!(matches!(err, ConnError::Authentication { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "could not connect to server at localhost:{port}: password authentication failed \
             for user \"postgres\""
        )
    );
}

#[tokio::test]
async fn verify_full_rejects_a_certificate_for_another_host_that_verify_ca_accepts() {
    let ca = TestCa::new("retort test CA");
    let (cert, key) = ca.issue_server_cert(&["db.example"]);
    let server = TlsServer::start(cert, key);
    let ca_file = root(&server.root_file("ca.pem", &ca));
    let port = server.cluster.port();

    // The chain is good: verify-ca does not look at the name.
    for host in ["localhost", "127.0.0.1"] {
        server
            .connects(host, &format!("sslmode=verify-ca&sslrootcert={ca_file}"))
            .await;
    }
    for host in ["localhost", "127.0.0.1"] {
        let (err, message) = server
            .refused(host, &format!("sslmode=verify-full&sslrootcert={ca_file}"))
            .await;
        assert!(matches!(err, ConnError::Tls { .. }), "{err:?}");
        assert_eq!(
            message,
            format!(
                "could not connect to server at {host}:{port}: certificate verification failed \
                 (sslmode=verify-full): the server certificate is not valid for host '{host}'"
            )
        );
    }
}

#[tokio::test]
async fn verify_full_follows_the_intermediate_the_server_sends() {
    let root_ca = TestCa::new("retort test root CA");
    let intermediate = root_ca.intermediate("retort test intermediate CA");
    let (leaf, key) = intermediate.issue_server_cert(&["localhost"]);
    // The server sends its certificate followed by the intermediate; the client trusts the root.
    let server = TlsServer::start(format!("{leaf}{}", intermediate.cert_pem()), key);
    let root_file = root(&server.root_file("root.pem", &root_ca));
    for mode in ["verify-full", "verify-ca"] {
        server
            .connects(
                "localhost",
                &format!("sslmode={mode}&sslrootcert={root_file}"),
            )
            .await;
    }
}
