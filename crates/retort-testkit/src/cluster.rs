//! Throwaway PostgreSQL clusters started from the local binaries.
//!
//! [`Cluster`] is a private cluster in a temporary directory, stopped and removed on drop.
//! [`shared_cluster_url`] keeps one long-lived cluster per OS user under the temporary directory,
//! shared by every test process (cargo-nextest runs each test in its own process), guarded by a
//! file lock and reused while it runs.
//!
//! `initdb` and `postgres` refuse to run as root. When the effective user is root, they run as the
//! `postgres` OS user through `runuser -u postgres --` (or `setpriv`), and the directories they
//! need are chowned to that user.
//!
//! A [`Cluster`] can serve TLS with a certificate and key given as PEM text
//! ([`ClusterOptions::tls_cert_pem`], [`ClusterOptions::tls_key_pem`]).

use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::net::TcpListener;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use tempfile::TempDir;
use tokio_postgres::Config;

use crate::conn::{block_on_isolated, connect_config};

/// The database superuser every throwaway cluster is initialised with.
const SUPERUSER: &str = "postgres";
/// The OS user that runs `initdb` and `postgres` when the tests run as root.
const OS_USER_WHEN_ROOT: &str = "postgres";
/// Environment variable naming a directory that holds `initdb`, `pg_ctl` and `postgres`.
pub const BINDIR_ENV: &str = "RETORT_TEST_PG_BINDIR";
/// The server's certificate and key, in the data directory.
const SERVER_CERT: &str = "server.crt";
const SERVER_KEY: &str = "server.key";
/// How many free ports to try before giving up (another process may take a port between the
/// moment it is found free and the moment the server binds it).
const PORT_ATTEMPTS: usize = 5;

/// Options for [`Cluster::start`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterOptions {
    /// Authentication method for TCP connections: `"trust"`, `"scram-sha-256"` or `"md5"`.
    /// (`"md5"` stores the password as an MD5 hash, so the md5 exchange is really used.)
    pub auth: String,
    /// Password of the `postgres` superuser; required unless `auth` is `"trust"`.
    pub superuser_password: Option<String>,
    /// The server's certificate in PEM, optionally followed by the intermediate certificates
    /// to send with it. When set (together with [`ClusterOptions::tls_key_pem`]), the server
    /// runs with `ssl = on`; plaintext connections are still accepted.
    pub tls_cert_pem: Option<String>,
    /// The private key of [`ClusterOptions::tls_cert_pem`] in PEM, unencrypted.
    pub tls_key_pem: Option<String>,
}

impl ClusterOptions {
    /// The certificate and key, when both are given; an error when only one is.
    fn tls(&self) -> Result<Option<Tls<'_>>, String> {
        match (&self.tls_cert_pem, &self.tls_key_pem) {
            (None, None) => Ok(None),
            (Some(cert_pem), Some(key_pem)) => {
                for (what, pem) in [("tls_cert_pem", cert_pem), ("tls_key_pem", key_pem)] {
                    if !pem.contains("-----BEGIN ") {
                        return Err(format!("{what} holds no PEM block (-----BEGIN ...)"));
                    }
                }
                Ok(Some(Tls { cert_pem, key_pem }))
            }
            (Some(_), None) => Err("tls_cert_pem is set but tls_key_pem is not".to_owned()),
            (None, Some(_)) => Err("tls_key_pem is set but tls_cert_pem is not".to_owned()),
        }
    }
}

/// A server certificate and its key, in PEM.
#[derive(Clone, Copy)]
struct Tls<'a> {
    cert_pem: &'a str,
    key_pem: &'a str,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            auth: "trust".to_owned(),
            superuser_password: None,
            tls_cert_pem: None,
            tls_key_pem: None,
        }
    }
}

/// A throwaway cluster from the local PostgreSQL binaries: `initdb` in a fresh temporary
/// directory, a server on a free port of 127.0.0.1 with its own unix socket directory. Stopped
/// and removed on drop.
///
/// TCP connections (the ones [`Cluster::url`] describes) use the requested authentication method;
/// unix-socket connections are trusted, the socket directory being private to the cluster's owner.
/// The superuser is `postgres`. With a certificate in the options, TCP connections may use TLS
/// (`server.crt` and `server.key` in the data directory); they are not required to.
#[derive(Debug)]
pub struct Cluster {
    dir: ClusterDir,
    port: u16,
    password: Option<String>,
    // Declared last: dropped (the directory removed) after `Drop::drop` has stopped the server.
    _tmp: TempDir,
}

impl Cluster {
    /// Initialises and starts a cluster. Takes about a second.
    pub fn start(opts: ClusterOptions) -> Result<Cluster, String> {
        let password_encryption = match opts.auth.as_str() {
            "trust" | "scram-sha-256" => "scram-sha-256",
            "md5" => "md5",
            other => {
                return Err(format!(
                    "unsupported auth method {other:?}: use \"trust\", \"scram-sha-256\" or \"md5\""
                ));
            }
        };
        if opts.auth != "trust" && opts.superuser_password.is_none() {
            return Err(format!(
                "auth method {:?} needs a superuser_password, or nobody could connect",
                opts.auth
            ));
        }
        let tls = opts.tls()?;
        let bindir = find_bindir()?;
        let run_as = RunAs::detect()?;
        let tmp = tempfile::Builder::new()
            .prefix("retort-pg-")
            .tempdir()
            .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
        let dir = ClusterDir {
            root: tmp.path().to_path_buf(),
            bindir,
            run_as,
            ssl: tls.is_some(),
        };
        dir.prepare()?;
        dir.initdb(&opts.auth)?;
        if let Some(tls) = tls {
            dir.install_tls(tls)?;
        }
        let port = dir.start_on_free_port(password_encryption)?;
        let cluster = Cluster {
            dir,
            port,
            password: opts.superuser_password,
            _tmp: tmp,
        };
        // From here on, an error drops `cluster`, which stops the server.
        if let Some(password) = &cluster.password {
            cluster.dir.set_superuser_password(port, password)?;
        }
        Ok(cluster)
    }

    /// `postgres://postgres[:password]@127.0.0.1:<port>/<database>`.
    pub fn url(&self, database: &str) -> String {
        local_url(self.port, self.password.as_deref(), database)
    }

    /// The TCP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The directory holding the cluster's unix socket.
    pub fn socket_dir(&self) -> PathBuf {
        self.dir.sock()
    }

    /// The cluster's data directory.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.data()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Err(e) = self.dir.stop() {
            eprintln!(
                "retort-testkit: could not stop the cluster in {}: {e}",
                self.dir.root.display()
            );
        }
    }
}

/// Builds `postgres://postgres[:password]@127.0.0.1:<port>/<database>`, percent-encoding as needed.
pub(crate) fn local_url(port: u16, password: Option<&str>, database: &str) -> String {
    let mut url = match url::Url::parse("postgres://127.0.0.1/") {
        Ok(url) => url,
        Err(e) => unreachable!("constant URL does not parse: {e}"),
    };
    // These setters fail only for URLs without a host, and this one has one.
    let _ = url.set_username(SUPERUSER);
    let _ = url.set_password(password);
    let _ = url.set_port(Some(port));
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.clear().push(database);
    }
    url.to_string()
}

/// Makes sure the per-user shared cluster runs, and returns the URL of its `postgres` database
/// (trust authentication, superuser `postgres`).
///
/// The cluster lives in `<temp dir>/retort-testkit-<euid>/cluster`; a lock on
/// `<temp dir>/retort-testkit-<euid>/lock` serialises processes that find, start or repair it.
/// It is left running for later test runs; stop it with
/// `pg_ctl -D <temp dir>/retort-testkit-<euid>/cluster/data stop` (as the `postgres` user when the
/// tests run as root) and delete the directory to start afresh.
pub(crate) fn shared_cluster_url() -> Result<String, String> {
    let euid = rustix::process::geteuid().as_raw();
    shared_cluster_url_in(&std::env::temp_dir().join(format!("retort-testkit-{euid}")))
}

/// [`shared_cluster_url`] with the cluster kept in `base`.
fn shared_cluster_url_in(base: &Path) -> Result<String, String> {
    let euid = rustix::process::geteuid().as_raw();
    ensure_own_dir(base, euid)?;

    let lock_path = base.join("lock");
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| format!("cannot open {}: {e}", lock_path.display()))?;
    rustix::fs::flock(&lock, rustix::fs::FlockOperation::LockExclusive)
        .map_err(|e| format!("cannot lock {}: {e}", lock_path.display()))?;
    // The lock is released when `lock` is closed at the end of this function.

    let dir = shared_cluster_dir(base)?;
    let port_file = base.join("port");
    let known_port = fs::read_to_string(&port_file)
        .ok()
        .and_then(|text| text.trim().parse::<u16>().ok());
    let initialised = dir.data().join("PG_VERSION").is_file();

    if initialised {
        if let Some(port) = known_port {
            if dir.is_running_on(port) {
                return Ok(local_url(port, None, "postgres"));
            }
        }
        // Not running (machine rebooted, server killed) or not answering: restart it. If it
        // cannot start (for example, binaries of another major version), start afresh below.
        let _ = dir.stop();
        if let Ok(port) = dir.start_on_free_port("scram-sha-256") {
            write_port(&port_file, port)?;
            return Ok(local_url(port, None, "postgres"));
        }
        let _ = dir.stop();
    }
    if dir.root.exists() {
        fs::remove_dir_all(&dir.root)
            .map_err(|e| format!("cannot remove {}: {e}", dir.root.display()))?;
    }
    fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir.root)
        .map_err(|e| format!("cannot create {}: {e}", dir.root.display()))?;
    dir.prepare()?;
    dir.initdb("trust")?;
    let port = dir.start_on_free_port("scram-sha-256")?;
    write_port(&port_file, port)?;
    Ok(local_url(port, None, "postgres"))
}

fn shared_cluster_dir(base: &Path) -> Result<ClusterDir, String> {
    Ok(ClusterDir {
        root: base.join("cluster"),
        bindir: find_bindir()?,
        run_as: RunAs::detect()?,
        ssl: false,
    })
}

fn write_port(path: &Path, port: u16) -> Result<(), String> {
    fs::write(path, format!("{port}\n"))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Creates `dir` if needed and checks that it is a real directory (not a symlink) owned by `euid`,
/// so that nobody else can plant a cluster or a lock in a predictable path under `/tmp`.
/// Mode 0711: the `postgres` OS user must be able to pass through it when the tests run as root.
fn ensure_own_dir(dir: &Path, euid: u32) -> Result<(), String> {
    match fs::DirBuilder::new().mode(0o711).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(format!("cannot create {}: {e}", dir.display())),
    }
    let meta =
        fs::symlink_metadata(dir).map_err(|e| format!("cannot stat {}: {e}", dir.display()))?;
    if !meta.file_type().is_dir() || meta.uid() != euid {
        return Err(format!(
            "{} is not a directory owned by uid {euid}; remove it",
            dir.display()
        ));
    }
    if meta.permissions().mode() & 0o7777 != 0o711 {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o711))
            .map_err(|e| format!("cannot chmod {}: {e}", dir.display()))?;
    }
    Ok(())
}

/// A cluster's directory layout and the commands that act on it.
#[derive(Debug)]
struct ClusterDir {
    /// Holds `data/`, `sock/` and `postgres.log`; owned by the user that runs the server.
    root: PathBuf,
    bindir: PathBuf,
    run_as: RunAs,
    /// Whether the server runs with `ssl = on` (the certificate and key in the data directory).
    ssl: bool,
}

impl ClusterDir {
    fn data(&self) -> PathBuf {
        self.root.join("data")
    }

    fn sock(&self) -> PathBuf {
        self.root.join("sock")
    }

    fn log(&self) -> PathBuf {
        self.root.join("postgres.log")
    }

    /// Creates the socket directory and hands the tree to the server's user.
    fn prepare(&self) -> Result<(), String> {
        let sock = self.sock();
        fs::DirBuilder::new()
            .mode(0o700)
            .create(&sock)
            .map_err(|e| format!("cannot create {}: {e}", sock.display()))?;
        self.run_as.chown(&self.root)?;
        self.run_as.chown(&sock)
    }

    fn initdb(&self, auth_host: &str) -> Result<(), String> {
        let data = self.data();
        let mut cmd = self.run_as.command(&self.bindir.join("initdb"));
        cmd.current_dir(&self.root)
            .arg("-D")
            .arg(&data)
            .args(["-U", SUPERUSER, "-E", "UTF8", "--locale=C", "--no-sync"])
            .arg("--auth-local=trust")
            .arg(format!("--auth-host={auth_host}"));
        run(cmd, "initdb")?;
        // The server settings live in a file of their own, rewritten on each start.
        let conf = data.join("postgresql.conf");
        let mut file = OpenOptions::new()
            .append(true)
            .open(&conf)
            .map_err(|e| format!("cannot open {}: {e}", conf.display()))?;
        file.write_all(b"\n# Added by retort-testkit\ninclude_if_exists = 'retort.conf'\n")
            .map_err(|e| format!("cannot write {}: {e}", conf.display()))
    }

    /// Writes `server.crt` and `server.key` into the data directory, owned by the server's user;
    /// the key readable by that user only, as the server demands.
    fn install_tls(&self, tls: Tls<'_>) -> Result<(), String> {
        let data = self.data();
        write_owned(&self.run_as, &data.join(SERVER_KEY), tls.key_pem, 0o600)?;
        write_owned(&self.run_as, &data.join(SERVER_CERT), tls.cert_pem, 0o644)
    }

    /// Writes the settings for the next start.
    fn configure(&self, port: u16, password_encryption: &str) -> Result<(), String> {
        let path = self.data().join("retort.conf");
        let sock = self.sock();
        let sock = sock
            .to_str()
            .ok_or_else(|| format!("{} is not valid UTF-8", sock.display()))?;
        let mut text = format!(
            "port = {port}\n\
             listen_addresses = '127.0.0.1'\n\
             unix_socket_directories = '{}'\n\
             password_encryption = '{password_encryption}'\n\
             max_connections = 200\n\
             fsync = off\n\
             synchronous_commit = off\n\
             full_page_writes = off\n",
            sock.replace('\'', "''"),
        );
        if self.ssl {
            // Relative to the data directory.
            text.push_str(&format!(
                "ssl = on\nssl_cert_file = '{SERVER_CERT}'\nssl_key_file = '{SERVER_KEY}'\n"
            ));
        }
        fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        self.run_as.chown(&path)
    }

    /// Starts the server on a free port, retrying with another one when the port was taken
    /// in the meantime. Returns the port.
    fn start_on_free_port(&self, password_encryption: &str) -> Result<u16, String> {
        let mut last_error = String::new();
        for _ in 0..PORT_ATTEMPTS {
            let port = free_port()?;
            self.configure(port, password_encryption)?;
            match self.start() {
                Ok(()) => return Ok(port),
                Err(e) => {
                    let log = fs::read_to_string(self.log()).unwrap_or_default();
                    let port_taken =
                        log.contains("could not bind") || log.contains("Address already in use");
                    last_error = e;
                    if !port_taken {
                        break;
                    }
                    // Start from an empty log so the next attempt is judged on its own.
                    let _ = fs::write(self.log(), "");
                }
            }
        }
        Err(last_error)
    }

    fn start(&self) -> Result<(), String> {
        let mut cmd = self.run_as.command(&self.bindir.join("pg_ctl"));
        cmd.current_dir(&self.root)
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.log())
            .args(["-w", "-t", "60", "-s", "start"]);
        run(cmd, "pg_ctl start").map(|_| ()).map_err(|e| {
            let log = fs::read_to_string(self.log()).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(15).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            format!(
                "{e}\nserver log ({}):\n{}",
                self.log().display(),
                tail.join("\n")
            )
        })
    }

    fn stop(&self) -> Result<(), String> {
        if !self.data().join("postmaster.pid").exists() {
            return Ok(());
        }
        let mut cmd = self.run_as.command(&self.bindir.join("pg_ctl"));
        cmd.current_dir(&self.root)
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "-s", "stop"]);
        run(cmd, "pg_ctl stop").map(|_| ())
    }

    /// Whether the server answering on 127.0.0.1:`port` is this directory's.
    fn is_running_on(&self, port: u16) -> bool {
        let Ok(expected) = fs::canonicalize(self.data()) else {
            return false;
        };
        let mut config = Config::new();
        config
            .host("127.0.0.1")
            .port(port)
            .user(SUPERUSER)
            .dbname("postgres");
        let answer = block_on_isolated(async move {
            let client = connect_config(&config, Duration::from_secs(3)).await?;
            let row = client
                .query_one("SELECT current_setting('data_directory')", &[])
                .await
                .map_err(|e| e.to_string())?;
            Ok::<String, String>(row.get(0))
        });
        match answer {
            Ok(Ok(dir)) => fs::canonicalize(dir).is_ok_and(|dir| dir == expected),
            _ => false,
        }
    }

    /// Sets the superuser's password over the (trusted) unix socket; `password_encryption` in
    /// `retort.conf` decides how it is stored.
    fn set_superuser_password(&self, port: u16, password: &str) -> Result<(), String> {
        let mut config = Config::new();
        config
            .host_path(self.sock())
            .port(port)
            .user(SUPERUSER)
            .dbname("postgres");
        let password = password.to_owned();
        block_on_isolated(async move {
            let client = connect_config(&config, Duration::from_secs(10)).await?;
            // Let the server quote the literal.
            let row = client
                .query_one(
                    "SELECT format('ALTER ROLE %I PASSWORD %L', current_user, $1::text)",
                    &[&password],
                )
                .await
                .map_err(|e| e.to_string())?;
            let statement: String = row.get(0);
            client
                .batch_execute(&statement)
                .await
                .map_err(|e| format!("cannot set the superuser password: {e}"))
        })?
    }
}

/// Writes `text` to `path` (created with `mode`, or truncated and set to `mode`) and gives the file
/// to the server's user.
fn write_owned(run_as: &RunAs, path: &Path, text: &str, mode: u32) -> Result<(), String> {
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    // `mode` applies only to a new file, and is narrowed by the umask.
    file.set_permissions(fs::Permissions::from_mode(mode))
        .map_err(|e| format!("cannot chmod {}: {e}", path.display()))?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    drop(file);
    run_as.chown(path)
}

/// A port on 127.0.0.1 that nothing listens on right now.
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .map_err(|e| format!("cannot find a free port on 127.0.0.1: {e}"))?;
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(|e| format!("cannot find a free port on 127.0.0.1: {e}"))
}

/// Runs `cmd`, returning its output, or an error with its stderr when it fails.
fn run(mut cmd: Command, what: &str) -> Result<Output, String> {
    let output = cmd
        .output()
        .map_err(|e| format!("cannot run {what} ({:?}): {e}", cmd.get_program()))?;
    if output.status.success() {
        Ok(output)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let said: Vec<&str> = [stderr.trim(), stdout.trim()]
            .into_iter()
            .filter(|text| !text.is_empty())
            .collect();
        Err(format!(
            "{what} failed ({}): {}",
            output.status,
            said.join("\n")
        ))
    }
}

/// Who runs `initdb`, `pg_ctl` and `postgres`.
#[derive(Debug, Clone)]
enum RunAs {
    /// The current (non-root) user.
    Me,
    /// Another OS user, because the current one is root.
    User {
        name: String,
        uid: u32,
        gid: u32,
        via: Switch,
    },
}

/// The tool that switches to the server's OS user.
#[derive(Debug, Clone)]
enum Switch {
    Runuser(PathBuf),
    Setpriv(PathBuf),
}

impl RunAs {
    fn detect() -> Result<RunAs, String> {
        if rustix::process::geteuid().as_raw() != 0 {
            return Ok(RunAs::Me);
        }
        let name = OS_USER_WHEN_ROOT;
        let id = |flag: &str| -> Option<u32> {
            let output = Command::new("id").args([flag, name]).output().ok()?;
            if !output.status.success() {
                return None;
            }
            String::from_utf8_lossy(&output.stdout).trim().parse().ok()
        };
        let (Some(uid), Some(gid)) = (id("-u"), id("-g")) else {
            return Err(format!(
                "running as root, but initdb and postgres refuse to run as root and there is no \
                 '{name}' OS user to run them as: create one (Debian: adduser --system --group \
                 {name}, or apt-get install postgresql), run the tests as an unprivileged user, \
                 or set RETORT_TEST_DATABASE_URL"
            ));
        };
        let via = if let Some(path) = find_program("runuser") {
            Switch::Runuser(path)
        } else if let Some(path) = find_program("setpriv") {
            Switch::Setpriv(path)
        } else {
            return Err(format!(
                "running as root: initdb and postgres must run as '{name}', but neither runuser \
                 nor setpriv was found (Debian: apt-get install util-linux)"
            ));
        };
        Ok(RunAs::User {
            name: name.to_owned(),
            uid,
            gid,
            via,
        })
    }

    fn command(&self, program: &Path) -> Command {
        match self {
            RunAs::Me => Command::new(program),
            RunAs::User {
                name,
                via: Switch::Runuser(runuser),
                ..
            } => {
                let mut cmd = Command::new(runuser);
                cmd.args(["-u", name, "--"]).arg(program);
                cmd
            }
            RunAs::User {
                uid,
                gid,
                via: Switch::Setpriv(setpriv),
                ..
            } => {
                let mut cmd = Command::new(setpriv);
                cmd.arg(format!("--reuid={uid}"))
                    .arg(format!("--regid={gid}"))
                    .args(["--clear-groups", "--"])
                    .arg(program);
                cmd
            }
        }
    }

    /// Gives `path` (not recursively) to the server's user.
    fn chown(&self, path: &Path) -> Result<(), String> {
        match self {
            RunAs::Me => Ok(()),
            RunAs::User { uid, gid, .. } => rustix::fs::chown(
                path,
                Some(rustix::fs::Uid::from_raw(*uid)),
                Some(rustix::fs::Gid::from_raw(*gid)),
            )
            .map_err(|e| format!("cannot chown {}: {e}", path.display())),
        }
    }
}

/// Finds `name` on PATH or in the sbin directories (root's tools live there).
fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/bin", "/bin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Whether `dir` holds the server binaries this module runs.
fn has_server_binaries(dir: &Path) -> bool {
    ["initdb", "pg_ctl", "postgres"]
        .iter()
        .all(|name| is_executable(&dir.join(name)))
}

/// The directory of the local PostgreSQL server binaries: `$RETORT_TEST_PG_BINDIR`, then
/// `pg_config --bindir`, then the highest `/usr/lib/postgresql/<version>/bin`, then the directory
/// of the `initdb` found on PATH (symlinks resolved).
pub(crate) fn find_bindir() -> Result<PathBuf, String> {
    let mut looked = Vec::new();
    if let Some(dir) = std::env::var_os(BINDIR_ENV) {
        let dir = PathBuf::from(dir);
        if has_server_binaries(&dir) {
            return Ok(dir);
        }
        return Err(format!(
            "{BINDIR_ENV}={} does not hold initdb, pg_ctl and postgres",
            dir.display()
        ));
    }
    if let Some(dir) = pg_config_bindir() {
        if has_server_binaries(&dir) {
            return Ok(dir);
        }
        looked.push(format!("{} (from pg_config --bindir)", dir.display()));
    } else {
        looked.push("pg_config --bindir (pg_config not found)".to_owned());
    }
    let versions = fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok())
                .filter_map(|entry| entry.file_name().into_string().ok())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    if let Some(version) = highest_version(&versions) {
        let dir = Path::new("/usr/lib/postgresql").join(version).join("bin");
        if has_server_binaries(&dir) {
            return Ok(dir);
        }
        looked.push(dir.display().to_string());
    } else {
        looked.push("/usr/lib/postgresql/<version>/bin".to_owned());
    }
    if let Some(initdb) = find_program("initdb") {
        let resolved = fs::canonicalize(&initdb).unwrap_or(initdb);
        if let Some(dir) = resolved.parent() {
            if has_server_binaries(dir) {
                return Ok(dir.to_path_buf());
            }
            looked.push(dir.display().to_string());
        }
    } else {
        looked.push("PATH (no initdb)".to_owned());
    }
    Err(format!(
        "no PostgreSQL server binaries (initdb, pg_ctl, postgres) found; looked in: {}",
        looked.join(", ")
    ))
}

fn pg_config_bindir() -> Option<PathBuf> {
    let output = Command::new("pg_config").arg("--bindir").output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| PathBuf::from(text))
}

/// The highest of directory names such as `"9.6"`, `"15"`, `"17"`, compared numerically;
/// names that are not versions are ignored.
fn highest_version(names: &[String]) -> Option<&str> {
    names
        .iter()
        .filter_map(|name| {
            let parts: Result<Vec<u32>, _> = name.split('.').map(str::parse::<u32>).collect();
            parts.ok().map(|parts| (parts, name.as_str()))
        })
        .max()
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highest_version_compares_numerically() {
        let names = ["9.6", "15", "10", "common", "17"].map(String::from);
        assert_eq!(highest_version(&names), Some("17"));
        let names = ["9.6", "9.10", "9.2"].map(String::from);
        assert_eq!(highest_version(&names), Some("9.10"));
        assert_eq!(highest_version(&["x".to_owned()]), None);
    }

    #[test]
    fn local_url_encodes_password_and_database() {
        assert_eq!(
            local_url(5433, Some("p@ss word"), "my db"),
            "postgres://postgres:p%40ss%20word@127.0.0.1:5433/my%20db"
        );
        assert_eq!(
            local_url(5433, None, "postgres"),
            "postgres://postgres@127.0.0.1:5433/postgres"
        );
    }

    #[test]
    fn start_rejects_bad_options_before_touching_anything() {
        let bad_auth = Cluster::start(ClusterOptions {
            auth: "password123".to_owned(),
            ..ClusterOptions::default()
        });
        assert!(matches!(&bad_auth, Err(e) if e.contains("unsupported auth method")));
        let no_password = Cluster::start(ClusterOptions {
            auth: "scram-sha-256".to_owned(),
            ..ClusterOptions::default()
        });
        assert!(matches!(&no_password, Err(e) if e.contains("needs a superuser_password")));
        let cert_only = Cluster::start(ClusterOptions {
            tls_cert_pem: Some(PEM_CERT.to_owned()),
            ..ClusterOptions::default()
        });
        assert_eq!(
            cert_only.err().as_deref(),
            Some("tls_cert_pem is set but tls_key_pem is not")
        );
        let key_only = Cluster::start(ClusterOptions {
            tls_key_pem: Some(PEM_KEY.to_owned()),
            ..ClusterOptions::default()
        });
        assert_eq!(
            key_only.err().as_deref(),
            Some("tls_key_pem is set but tls_cert_pem is not")
        );
        let not_pem = Cluster::start(ClusterOptions {
            tls_cert_pem: Some(PEM_CERT.to_owned()),
            tls_key_pem: Some("MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg".to_owned()),
            ..ClusterOptions::default()
        });
        assert_eq!(
            not_pem.err().as_deref(),
            Some("tls_key_pem holds no PEM block (-----BEGIN ...)")
        );
    }

    /// Stand-ins: only their shape is looked at before the server reads them.
    const PEM_CERT: &str = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    const PEM_KEY: &str = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";

    /// A cluster directory under `tmp` with an empty data directory, as `initdb` leaves it
    /// (owned by the server's user).
    fn scratch_dir(tmp: &Path, ssl: bool) -> ClusterDir {
        let dir = ClusterDir {
            root: tmp.join("cluster"),
            bindir: PathBuf::from("/nonexistent"),
            run_as: RunAs::detect().expect("the server's OS user"),
            ssl,
        };
        fs::DirBuilder::new()
            .mode(0o700)
            .recursive(true)
            .create(dir.data())
            .expect("mkdir");
        dir.prepare().expect("prepare");
        dir.run_as.chown(&dir.data()).expect("chown");
        dir
    }

    fn server_uid(run_as: &RunAs) -> u32 {
        match run_as {
            RunAs::Me => rustix::process::geteuid().as_raw(),
            RunAs::User { uid, .. } => *uid,
        }
    }

    #[test]
    fn tls_files_belong_to_the_server_user_and_the_key_is_private() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = scratch_dir(tmp.path(), true);
        let uid = server_uid(&dir.run_as);
        // A leftover, world-readable key is narrowed to 0600 when rewritten.
        let key_path = dir.data().join(SERVER_KEY);
        fs::write(&key_path, "old").expect("write");
        fs::set_permissions(&key_path, fs::Permissions::from_mode(0o644)).expect("chmod");

        dir.install_tls(Tls {
            cert_pem: PEM_CERT,
            key_pem: PEM_KEY,
        })
        .expect("install");
        for (name, text, mode) in [(SERVER_KEY, PEM_KEY, 0o600), (SERVER_CERT, PEM_CERT, 0o644)] {
            let path = dir.data().join(name);
            assert_eq!(fs::read_to_string(&path).expect("read"), text, "{name}");
            let meta = fs::metadata(&path).expect("stat");
            assert_eq!(meta.permissions().mode() & 0o7777, mode, "{name}");
            assert_eq!(meta.uid(), uid, "{name}");
        }
    }

    #[test]
    fn configuration_turns_ssl_on_only_with_a_certificate() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let with = scratch_dir(&tmp.path().join("with"), true);
        with.configure(5555, "scram-sha-256").expect("configure");
        let text = fs::read_to_string(with.data().join("retort.conf")).expect("read");
        assert!(
            text.contains(
                "\nssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n"
            ),
            "{text}"
        );
        assert!(text.starts_with("port = 5555\n"), "{text}");

        let without = scratch_dir(&tmp.path().join("without"), false);
        without.configure(5555, "scram-sha-256").expect("configure");
        let text = fs::read_to_string(without.data().join("retort.conf")).expect("read");
        assert!(!text.contains("ssl"), "{text}");
    }

    /// Stops the shared cluster under `base` when the test ends, passed or failed.
    struct StopOnDrop(PathBuf);

    impl Drop for StopOnDrop {
        fn drop(&mut self) {
            if let Ok(dir) = shared_cluster_dir(&self.0) {
                let _ = dir.stop();
            }
        }
    }

    fn data_directory_of(url: &str) -> String {
        let url = url.to_owned();
        block_on_isolated(async move {
            let client = crate::conn::connect_url(&url, Duration::from_secs(10)).await?;
            let row = client
                .query_one("SELECT current_setting('data_directory')", &[])
                .await
                .map_err(|e| e.to_string())?;
            Ok::<String, String>(row.get(0))
        })
        .expect("runtime")
        .expect("query")
    }

    #[test]
    fn shared_cluster_is_started_once_reused_and_restarted() {
        let tmp = tempfile::tempdir().expect("tempdir");
        // When the tests run as root, the server's user must be able to pass through.
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o711)).expect("chmod");
        let base = tmp.path().join("shared");
        let _stop = StopOnDrop(base.clone());

        // Two processes' worth of concurrent callers: one starts it, the other waits and reuses.
        let callers: Vec<_> = (0..2)
            .map(|_| {
                let base = base.clone();
                std::thread::spawn(move || shared_cluster_url_in(&base))
            })
            .collect();
        let urls: Vec<String> = callers
            .into_iter()
            .map(|t| t.join().expect("thread").expect("shared cluster"))
            .collect();
        assert_eq!(urls[0], urls[1]);
        let data = fs::canonicalize(base.join("cluster/data")).expect("data dir");
        let served = fs::canonicalize(data_directory_of(&urls[0])).expect("served dir");
        assert_eq!(served, data);

        // Running: reused as is.
        assert_eq!(shared_cluster_url_in(&base), Ok(urls[0].clone()));

        // Stopped (say, by a reboot): started again from the same data directory.
        shared_cluster_dir(&base)
            .expect("dir")
            .stop()
            .expect("stop");
        let again = shared_cluster_url_in(&base).expect("restarted");
        let served = fs::canonicalize(data_directory_of(&again)).expect("served dir");
        assert_eq!(served, data);
    }

    #[test]
    fn own_dir_refuses_a_symlink() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let target = tmp.path().join("target");
        fs::create_dir(&target).expect("mkdir");
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        let euid = rustix::process::geteuid().as_raw();
        assert!(ensure_own_dir(&link, euid).is_err());
        let real = tmp.path().join("real");
        assert_eq!(ensure_own_dir(&real, euid), Ok(()));
        let mode = fs::metadata(&real).expect("stat").permissions().mode() & 0o7777;
        assert_eq!(mode, 0o711);
    }
}
