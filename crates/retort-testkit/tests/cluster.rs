//! Throwaway clusters and server discovery.

use std::time::Duration;

use retort_testkit::{Cluster, ClusterOptions, Server, TestDb};
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;

/// Connects to 127.0.0.1:`port` as `postgres` with `password`.
async fn connect_with(
    port: u16,
    password: &str,
) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let mut config = tokio_postgres::Config::new();
    config
        .host("127.0.0.1")
        .port(port)
        .user("postgres")
        .password(password)
        .dbname("postgres")
        .connect_timeout(Duration::from_secs(10));
    let (client, connection) = config.connect(NoTls).await?;
    tokio::spawn(connection);
    Ok(client)
}

fn assert_rejected(result: Result<tokio_postgres::Client, tokio_postgres::Error>) {
    match result {
        Ok(_) => panic!("a wrong password was accepted"),
        Err(e) => assert_eq!(e.code(), Some(&SqlState::INVALID_PASSWORD), "{e:?}"),
    }
}

/// One cluster for several checks: starting one costs about a second.
#[tokio::test]
async fn scram_cluster_checks_passwords_and_discovery_honours_the_url() {
    let password = "s3cret p@ss'word";
    let cluster = Cluster::start(ClusterOptions {
        auth: "scram-sha-256".to_owned(),
        superuser_password: Some(password.to_owned()),
        ..ClusterOptions::default()
    })
    .expect("cluster starts");
    let port = cluster.port();
    assert_ne!(port, 5432);

    // Right password: accepted, and stored as SCRAM.
    let client = connect_with(port, password).await.expect("right password");
    let stored: String = client
        .query_one(
            "SELECT rolpassword FROM pg_catalog.pg_authid WHERE rolname = 'postgres'",
            &[],
        )
        .await
        .expect("pg_authid")
        .get(0);
    assert!(stored.starts_with("SCRAM-SHA-256$"), "{stored}");
    let listen: String = client
        .query_one("SHOW listen_addresses", &[])
        .await
        .expect("show")
        .get(0);
    assert_eq!(listen, "127.0.0.1");

    // Wrong or missing password: rejected.
    assert_rejected(connect_with(port, "wrong").await);
    assert_rejected(connect_with(port, "").await);

    // The URL carries the (percent-encoded) password.
    let url = cluster.url("postgres");
    assert!(url.starts_with("postgres://postgres:"), "{url}");
    assert!(
        url.ends_with(&format!("@127.0.0.1:{port}/postgres")),
        "{url}"
    );
    let (by_url, connection) = tokio_postgres::connect(&url, NoTls)
        .await
        .expect("connect by url");
    tokio::spawn(connection);
    by_url.simple_query("SELECT 1").await.expect("select");

    // Discovery with RETORT_TEST_DATABASE_URL's value picks that server, even though another
    // one may answer on 127.0.0.1:5432.
    let server = Server::discover(Some(&url)).await.expect("discover");
    assert_eq!(server.admin_url(), url);
    let version: String = client
        .query_one("SHOW server_version_num", &[])
        .await
        .expect("version")
        .get(0);
    assert_eq!(server.server_version_num().to_string(), version);

    // A TestDb on that server works and is dropped there.
    let db = TestDb::on(&server).await;
    assert!(
        db.url().contains(&format!(":{port}/{}", db.name())),
        "{}",
        db.url()
    );
    db.execute("CREATE TABLE t (id int)").await;
    let name = db.name().to_owned();
    drop(db);
    let left: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_catalog.pg_database WHERE datname = $1",
            &[&name],
        )
        .await
        .expect("pg_database")
        .get(0);
    assert_eq!(left, 0);

    // A URL whose password is wrong is an error, not a reason to look elsewhere.
    let wrong = url.replacen("//postgres:", "//postgres:x", 1);
    let err = Server::discover(Some(&wrong))
        .await
        .expect_err("wrong password");
    assert!(err.starts_with("RETORT_TEST_DATABASE_URL="), "{err}");
    assert!(err.contains("password authentication failed"), "{err}");
    assert!(!err.contains(password), "password leaked: {err}");

    // Stopping and removing on drop.
    let data_dir = cluster.data_dir();
    assert!(data_dir.join("PG_VERSION").is_file());
    drop(cluster);
    assert!(!data_dir.exists());
    assert!(connect_with(port, password).await.is_err());
}

#[tokio::test]
async fn md5_cluster_stores_md5_and_checks_passwords() {
    let cluster = Cluster::start(ClusterOptions {
        auth: "md5".to_owned(),
        superuser_password: Some("md5pass".to_owned()),
        ..ClusterOptions::default()
    })
    .expect("cluster starts");
    let client = connect_with(cluster.port(), "md5pass")
        .await
        .expect("right password");
    let stored: String = client
        .query_one(
            "SELECT rolpassword FROM pg_catalog.pg_authid WHERE rolname = 'postgres'",
            &[],
        )
        .await
        .expect("pg_authid")
        .get(0);
    assert!(stored.starts_with("md5"), "{stored}");
    assert_rejected(connect_with(cluster.port(), "md5pasS").await);
}

#[tokio::test]
async fn discovery_with_an_unreachable_url_fails_without_fallback() {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    let err = Server::discover(Some("postgres://postgres@127.0.0.1:1/postgres"))
        .await
        .expect_err("nothing listens on port 1");
    assert!(
        err.starts_with("RETORT_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:1/postgres: "),
        "{err}"
    );
    let err = Server::discover(Some("not a url"))
        .await
        .expect_err("not a URL");
    assert!(err.contains("not a URL"), "{err}");
}

#[tokio::test]
async fn discovery_without_a_url_finds_a_server_that_can_create_databases() {
    let server = Server::discover(None).await.expect("a server");
    let (client, connection) = tokio_postgres::connect(&server.admin_url(), NoTls)
        .await
        .expect("admin connection");
    tokio::spawn(connection);
    let may_create: bool = client
        .query_one(
            "SELECT rolsuper OR rolcreatedb FROM pg_catalog.pg_roles WHERE rolname = current_user",
            &[],
        )
        .await
        .expect("pg_roles")
        .get(0);
    assert!(may_create);
}

#[test]
fn a_certificate_the_server_cannot_load_fails_the_start_with_its_log() {
    // PEM-shaped, but not a certificate: the server itself must reject it, which shows that
    // `ssl = on` and the files reached it.
    let err = Cluster::start(ClusterOptions {
        tls_cert_pem: Some("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".into()),
        tls_key_pem: Some("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".into()),
        ..ClusterOptions::default()
    })
    .expect_err("an unusable certificate");
    assert!(err.starts_with("pg_ctl start failed"), "{err}");
    assert!(
        err.contains("could not load server certificate file \"server.crt\""),
        "{err}"
    );
}
