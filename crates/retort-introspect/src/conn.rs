//! Connecting to PostgreSQL: URLs, TLS, errors.
//!
//! A [`DatabaseUrl`] is parsed and validated up front, so every mistake in it is reported before
//! any network traffic. It accepts the libpq URL forms (`postgres://`, `postgresql://`) and the
//! SQLAlchemy ones (`postgresql+asyncpg://`, `postgresql+psycopg2://`, `postgresql+psycopg://`,
//! `postgresql+pg8000://`), and it never shows its password: `Display` and `Debug` print the
//! [redacted](DatabaseUrl::redacted) form, and no [`ConnError`] message contains the password.
//!
//! [`connect`] builds a `tokio_postgres::Config` from the parsed URL and speaks TLS through rustls
//! with the ring provider, following libpq's `sslmode` semantics:
//!
//! | sslmode       | encryption                         | certificate check                    |
//! |---------------|------------------------------------|--------------------------------------|
//! | `disable`     | never                              | -                                    |
//! | `allow`       | only if the plaintext attempt is rejected by the server | none      |
//! | `prefer`      | if the server offers it (default)  | none                                 |
//! | `require`     | always                             | none (chain, if `sslrootcert` is set)|
//! | `verify-ca`   | always                             | chain to `sslrootcert` or web roots  |
//! | `verify-full` | always                             | chain and host name                  |
//!
//! TLS is never attempted over a Unix-domain socket, as in libpq.

use std::fmt;
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres::error::SqlState;
use tokio_postgres_rustls::MakeRustlsConnect;

/// The schemes accepted by [`DatabaseUrl`]; `+driver` suffixes are SQLAlchemy's.
const SCHEMES: &[&str] = &[
    "postgres",
    "postgresql",
    "postgresql+asyncpg",
    "postgresql+psycopg2",
    "postgresql+psycopg",
    "postgresql+pg8000",
];

/// Default `connect_timeout`, so that an unreachable server fails fast.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where Unix-domain sockets are looked for when the URL names no host: Debian's directory first,
/// then PostgreSQL's compiled-in default.
const DEFAULT_SOCKET_DIRS: &[&str] = &["/var/run/postgresql", "/tmp"];

/// Stand-in host handed to the URL parser for an authority with user info but no host
/// (`postgres://user@/db`), which the `url` crate rejects. Never shown: the parsed URL records that
/// the host was empty. `.invalid` is reserved and can never name a real host.
const EMPTY_HOST_PLACEHOLDER: &str = "retort-empty-host.invalid";

/// Shown in place of a password.
const REDACTED: &str = "***";

/// libpq's `sslmode`, plus the `ssl=` spelling of asyncpg.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    /// Never encrypt.
    Disable,
    /// Plaintext first; encrypt (without verification) only if the server rejects plaintext.
    Allow,
    /// Encrypt when the server supports it, without verifying its certificate (the default).
    Prefer,
    /// Always encrypt; verify the chain only when `sslrootcert` is given (as libpq does).
    Require,
    /// Always encrypt and verify the certificate chain, not the host name.
    VerifyCa,
    /// Always encrypt and verify the certificate chain and the host name.
    VerifyFull,
}

impl SslMode {
    fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "disable" => Self::Disable,
            "allow" => Self::Allow,
            "prefer" => Self::Prefer,
            "require" => Self::Require,
            "verify-ca" => Self::VerifyCa,
            "verify-full" => Self::VerifyFull,
            _ => return None,
        })
    }

    /// asyncpg's `ssl=` parameter: an sslmode name or a boolean. `true` means what asyncpg makes
    /// of it, a default TLS context, which verifies the chain and the host name.
    fn parse_asyncpg(value: &str) -> Option<Self> {
        Self::parse(value).or(match value.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Some(Self::VerifyFull),
            "false" | "0" | "no" | "off" => Some(Self::Disable),
            _ => None,
        })
    }

    /// The libpq spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Disable => "disable",
            Self::Allow => "allow",
            Self::Prefer => "prefer",
            Self::Require => "require",
            Self::VerifyCa => "verify-ca",
            Self::VerifyFull => "verify-full",
        }
    }
}

impl fmt::Display for SslMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the server is.
#[derive(Clone, Debug, PartialEq, Eq)]
enum HostSpec {
    /// A host name or IP address (IPv6 without brackets).
    Tcp(String),
    /// A directory holding the server's socket file.
    Unix(PathBuf),
    /// No host given: the first of [`DEFAULT_SOCKET_DIRS`] that holds the socket.
    DefaultSocket,
}

/// Trust anchors for certificate verification.
#[derive(Clone, Debug, PartialEq, Eq)]
enum RootCert {
    /// A PEM file (`sslrootcert=path`).
    File(PathBuf),
    /// The bundled web PKI roots (`sslrootcert=system`, or no `sslrootcert` at all).
    System,
}

/// A parsed, validated PostgreSQL connection URL.
///
/// Never prints its password: `Display` and `Debug` both show [`DatabaseUrl::redacted`].
#[derive(Clone)]
pub struct DatabaseUrl {
    redacted: String,
    host: HostSpec,
    port: u16,
    user: String,
    password: Option<Vec<u8>>,
    database: String,
    sslmode: SslMode,
    sslrootcert: Option<RootCert>,
    application_name: String,
    connect_timeout: Option<Duration>,
    options: Option<String>,
    target_session_attrs: tokio_postgres::config::TargetSessionAttrs,
    channel_binding: tokio_postgres::config::ChannelBinding,
}

impl DatabaseUrl {
    /// The URL as given, with the password (in the user info or a `password=` parameter) replaced
    /// by `***`. A URL without a password comes back unchanged.
    pub fn redacted(&self) -> String {
        self.redacted.clone()
    }

    /// The database name (libpq's default, the user name, when the URL names none).
    pub fn database(&self) -> &str {
        &self.database
    }

    /// The same server, user, password and parameters, connecting to database `name` instead.
    /// The redacted form shows the new name in the path (percent-encoded) and drops a `dbname=`
    /// parameter; the password stays hidden.
    pub fn with_database(&self, name: &str) -> DatabaseUrl {
        let mut url = self.clone();
        url.database = name.to_owned();
        url.redacted = redacted_with_database(&self.redacted, name);
        url
    }

    /// The user name (the operating-system user when the URL names none, as in libpq).
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The port (default 5432).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The effective sslmode.
    pub fn ssl_mode(&self) -> SslMode {
        self.sslmode
    }

    /// The connection timeout; `None` when `connect_timeout=0` asked for none.
    pub fn connect_timeout(&self) -> Option<Duration> {
        self.connect_timeout
    }

    /// `host:port` for a TCP server, the socket path for a Unix-domain socket.
    pub fn target(&self) -> String {
        match &self.host {
            HostSpec::Tcp(host) if host.contains(':') => format!("[{host}]:{}", self.port),
            HostSpec::Tcp(host) => format!("{host}:{}", self.port),
            HostSpec::Unix(dir) => socket_path(dir, self.port).display().to_string(),
            HostSpec::DefaultSocket => socket_path(&default_socket_dir(self.port), self.port)
                .display()
                .to_string(),
        }
    }

    fn is_unix_socket(&self) -> bool {
        !matches!(self.host, HostSpec::Tcp(_))
    }

    /// Replaces every occurrence of the password in `text`.
    fn scrub(&self, text: &str) -> String {
        match &self.password {
            Some(password) => scrub(text, &[String::from_utf8_lossy(password).into_owned()]),
            None => text.to_owned(),
        }
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted)
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DatabaseUrl").field(&self.redacted).finish()
    }
}

impl FromStr for DatabaseUrl {
    type Err = ConnError;

    fn from_str(input: &str) -> Result<Self, ConnError> {
        let mut secrets = Vec::new();
        parse(input.trim(), &mut secrets)
            .map_err(|message| ConnError::InvalidUrl(scrub(&message, &secrets)))
    }
}

/// Replaces every occurrence of each non-empty secret in `text` by `***`.
fn scrub(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        out = out.replace(secret.as_str(), REDACTED);
    }
    out
}

/// Whether a piece of user input may be quoted in an error message: short and made of plain
/// characters, so that it cannot be a stray piece of a password.
fn showable(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn decode(raw: &str, what: &str) -> Result<String, String> {
    percent_decode_str(raw)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| format!("{what} is not valid UTF-8 after percent-decoding"))
}

/// Parses a URL; errors are messages for [`ConnError::InvalidUrl`]. Every secret met on the way is
/// pushed to `secrets`, so that the caller can scrub it from the message.
fn parse(input: &str, secrets: &mut Vec<String>) -> Result<DatabaseUrl, String> {
    let Some((scheme, rest)) = input.split_once("://") else {
        return Err(match input.split_once(':') {
            Some((scheme, _)) if SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()) => {
                format!("expected '{}://' at the start", scheme.to_ascii_lowercase())
            }
            _ => "expected a URL such as postgresql://user@host:5432/dbname".to_owned(),
        });
    };
    let scheme = scheme.to_ascii_lowercase();
    if !SCHEMES.contains(&scheme.as_str()) {
        return Err(if showable(&scheme.replace('+', "")) {
            format!("unsupported scheme '{scheme}' (expected postgres:// or postgresql://)")
        } else {
            "unsupported scheme (expected postgres:// or postgresql://)".to_owned()
        });
    }

    // The authority ends at the first '/', '?' or '#'; user info ends at its last '@'.
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, after_authority) = rest.split_at(authority_end);
    // A '@' after the authority usually means a password with an unencoded '/', '?' or '#': the
    // URL then splits in the wrong place. In the path that is an error; in the query (where an
    // '@' may be legitimate) parameter names with an '@' are never quoted back.
    let misplaced_at = after_authority.contains('@');
    let at_in_path = after_authority
        .split(['?', '#'])
        .next()
        .is_some_and(|path| path.contains('@'));
    let encode_hint = "; percent-encode special characters in the user name and password \
                       ('/' as %2F, '?' as %3F, '#' as %23, '@' as %40)";
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
        None => (None, authority),
    };
    if let Some(userinfo) = userinfo
        && let Some((_, password)) = userinfo.split_once(':')
    {
        secrets.push(password.to_owned());
        if let Ok(decoded) = percent_decode_str(password).decode_utf8() {
            secrets.push(decoded.into_owned());
        }
    }
    if hostport.contains(',') {
        return Err("multiple hosts are not supported".to_owned());
    }
    let empty_host = hostport.is_empty() || hostport.starts_with(':');
    let parse_input = if empty_host {
        let userinfo = userinfo.map(|u| format!("{u}@")).unwrap_or_default();
        format!("{scheme}://{userinfo}{EMPTY_HOST_PLACEHOLDER}{hostport}{after_authority}")
    } else {
        input.to_owned()
    };

    let url = url::Url::parse(&parse_input).map_err(|e| {
        let reason = match e {
            url::ParseError::InvalidPort => "invalid port".to_owned(),
            url::ParseError::EmptyHost => "missing host".to_owned(),
            url::ParseError::IdnaError | url::ParseError::InvalidDomainCharacter => {
                "invalid host name".to_owned()
            }
            url::ParseError::InvalidIpv6Address => "invalid IPv6 address".to_owned(),
            url::ParseError::InvalidIpv4Address => "invalid IPv4 address".to_owned(),
            other => other.to_string(),
        };
        if misplaced_at {
            format!("{reason}{encode_hint}")
        } else {
            reason
        }
    })?;
    if url.fragment().is_some() {
        return Err(format!("unexpected '#' in URL{encode_hint}"));
    }
    if at_in_path {
        return Err(format!("unexpected '@' after the host{encode_hint}"));
    }

    // User info.
    let mut user = decode(url.username(), "user name")?;
    let mut password = match url.password() {
        Some(raw) => {
            let bytes: Vec<u8> = percent_decode_str(raw).collect();
            (!bytes.is_empty()).then_some(bytes)
        }
        None => None,
    };

    // Host and port.
    let mut host = if empty_host {
        HostSpec::DefaultSocket
    } else {
        match url.host() {
            None => HostSpec::DefaultSocket,
            Some(url::Host::Ipv4(ip)) => HostSpec::Tcp(ip.to_string()),
            Some(url::Host::Ipv6(ip)) => HostSpec::Tcp(ip.to_string()),
            Some(url::Host::Domain(domain)) => {
                let domain = decode(domain, "host")?;
                if domain.starts_with('/') {
                    HostSpec::Unix(PathBuf::from(domain))
                } else if domain.is_empty() {
                    HostSpec::DefaultSocket
                } else {
                    HostSpec::Tcp(domain)
                }
            }
        }
    };
    let mut port = match url.port() {
        Some(0) => return Err("invalid port".to_owned()),
        Some(port) => port,
        None => 5432,
    };

    // Database: the whole path after its leading '/'.
    let path = url.path();
    let path = path.strip_prefix('/').unwrap_or(path);
    let mut database = decode(path, "database name")?;

    // Query parameters. Only %XX sequences are decoded; '+' stays '+', as in libpq.
    let mut sslmode = None;
    let mut ssl_alias = None;
    let mut sslrootcert = None;
    let mut application_name = None;
    let mut connect_timeout = Some(DEFAULT_CONNECT_TIMEOUT);
    let mut options = None;
    let mut target_session_attrs = tokio_postgres::config::TargetSessionAttrs::Any;
    let mut channel_binding = tokio_postgres::config::ChannelBinding::Prefer;
    let mut seen: Vec<String> = Vec::new();
    let query = url.query().unwrap_or("");
    // Collect query passwords first, so that no earlier error can quote one.
    for pair in query.split('&') {
        if let Some((raw_key, raw_value)) = pair.split_once('=')
            && percent_decode_str(raw_key).decode_utf8_lossy() == "password"
        {
            secrets.push(raw_value.to_owned());
            secrets.push(
                percent_decode_str(raw_value)
                    .decode_utf8_lossy()
                    .into_owned(),
            );
        }
    }
    let mut redacted_query = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(raw_key, "a query parameter name")?;
        let shown_key = if showable(&key) {
            format!("'{key}'")
        } else {
            "(name not shown)".to_owned()
        };
        if key == "password" {
            redacted_query.push(format!("{raw_key}={REDACTED}"));
        } else {
            redacted_query.push(pair.to_owned());
        }
        if seen.contains(&key) {
            return Err(format!(
                "query parameter {shown_key} is given more than once"
            ));
        }
        seen.push(key.clone());
        if !pair.contains('=') {
            return Err(format!("query parameter {shown_key} has no value"));
        }
        if key == "password" {
            let bytes: Vec<u8> = percent_decode_str(raw_value).collect();
            password = (!bytes.is_empty()).then_some(bytes);
            continue;
        }
        let value = decode(
            raw_value,
            &format!("the value of query parameter {shown_key}"),
        )?;
        let shown_value = if showable(&value) {
            format!(" '{value}'")
        } else {
            String::new()
        };
        match key.as_str() {
            "sslmode" => {
                sslmode = Some(SslMode::parse(&value).ok_or_else(|| {
                    format!(
                        "invalid sslmode{shown_value} (expected disable, allow, prefer, require, \
                         verify-ca or verify-full)"
                    )
                })?);
            }
            "ssl" => {
                ssl_alias = Some(SslMode::parse_asyncpg(&value).ok_or_else(|| {
                    format!(
                        "invalid ssl{shown_value} (expected true, false or an sslmode such as \
                         require or verify-full)"
                    )
                })?);
            }
            "sslrootcert" => {
                if value.is_empty() {
                    return Err("sslrootcert is empty".to_owned());
                }
                sslrootcert = Some(if value == "system" {
                    RootCert::System
                } else {
                    RootCert::File(PathBuf::from(value))
                });
            }
            "application_name" => application_name = Some(value),
            "connect_timeout" => {
                let seconds: u64 = value.trim().parse().map_err(|_| {
                    format!("invalid connect_timeout{shown_value} (expected whole seconds)")
                })?;
                // libpq: 0 waits forever; anything below 2 seconds counts as 2.
                connect_timeout = match seconds {
                    0 => None,
                    1 => Some(Duration::from_secs(2)),
                    n => Some(Duration::from_secs(n)),
                };
            }
            "options" => options = Some(value),
            "target_session_attrs" => {
                use tokio_postgres::config::TargetSessionAttrs as T;
                target_session_attrs = match value.as_str() {
                    "any" => T::Any,
                    "read-write" => T::ReadWrite,
                    "read-only" => T::ReadOnly,
                    _ => {
                        return Err(format!(
                            "unsupported target_session_attrs{shown_value} (expected any, \
                             read-write or read-only)"
                        ));
                    }
                };
            }
            "channel_binding" => {
                use tokio_postgres::config::ChannelBinding as C;
                channel_binding = match value.as_str() {
                    "disable" => C::Disable,
                    "prefer" => C::Prefer,
                    "require" => C::Require,
                    _ => {
                        return Err(format!(
                            "invalid channel_binding{shown_value} (expected disable, prefer or \
                             require)"
                        ));
                    }
                };
            }
            "client_encoding" => {
                if !matches!(
                    value.to_ascii_lowercase().as_str(),
                    "utf8" | "utf-8" | "unicode"
                ) {
                    return Err(format!(
                        "unsupported client_encoding{shown_value} (only UTF8 is supported)"
                    ));
                }
            }
            "host" => {
                host = if value.is_empty() {
                    HostSpec::DefaultSocket
                } else if value.starts_with('/') {
                    HostSpec::Unix(PathBuf::from(value))
                } else if value.contains(',') {
                    return Err("multiple hosts are not supported".to_owned());
                } else {
                    HostSpec::Tcp(value)
                };
            }
            "port" => {
                port = match value.trim().parse::<u16>() {
                    Ok(p) if p != 0 => p,
                    _ => return Err("invalid port".to_owned()),
                };
            }
            "user" => user = value,
            "dbname" => database = value,
            "sslcert"
            | "sslkey"
            | "sslpassword"
            | "sslcrl"
            | "sslcrldir"
            | "sslsni"
            | "hostaddr"
            | "passfile"
            | "service"
            | "gssencmode"
            | "krbsrvname"
            | "gsslib"
            | "requirepeer"
            | "keepalives"
            | "keepalives_idle"
            | "keepalives_interval"
            | "keepalives_count"
            | "tcp_user_timeout"
            | "replication"
            | "load_balance_hosts"
            | "ssl_min_protocol_version"
            | "ssl_max_protocol_version" => {
                return Err(format!("query parameter {shown_key} is not supported"));
            }
            _ => return Err(format!("unknown query parameter {shown_key}")),
        }
    }

    // sslmode and its asyncpg alias must agree when both are given.
    let explicit = match (sslmode, ssl_alias) {
        (Some(a), Some(b)) if a != b => {
            return Err(format!("sslmode={a} and ssl={b} disagree"));
        }
        (Some(mode), _) | (None, Some(mode)) => Some(mode),
        (None, None) => None,
    };
    // As in libpq: `require` with a root certificate file verifies the chain, and
    // `sslrootcert=system` means verify-full (and refuses anything weaker).
    let sslmode = match (explicit, &sslrootcert) {
        (None, Some(RootCert::System)) => SslMode::VerifyFull,
        (Some(mode), Some(RootCert::System)) if mode != SslMode::VerifyFull => {
            return Err(format!(
                "sslrootcert=system requires sslmode=verify-full (not {mode})"
            ));
        }
        (Some(SslMode::Require), Some(RootCert::File(_))) => SslMode::VerifyCa,
        (Some(mode), _) => mode,
        (None, _) => SslMode::Prefer,
    };
    let sslmode = if matches!(host, HostSpec::Tcp(_)) {
        sslmode
    } else if matches!(sslmode, SslMode::VerifyCa | SslMode::VerifyFull) {
        // libpq never encrypts a Unix-domain socket; asking for verification there is a mistake.
        return Err(format!(
            "sslmode={sslmode} cannot be used with a Unix-domain socket"
        ));
    } else {
        SslMode::Disable
    };

    if user.is_empty() {
        user = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .ok()
            .filter(|u| !u.is_empty())
            .ok_or_else(|| "missing user name (postgres://USER@host/dbname)".to_owned())?;
    }
    if database.is_empty() {
        database = user.clone();
    }

    // The redacted text: the URL as given, with the password hidden.
    let mut redacted = format!("{scheme}://");
    if let Some(userinfo) = userinfo {
        match userinfo.split_once(':') {
            Some((name, password)) if !password.is_empty() => {
                redacted.push_str(name);
                redacted.push(':');
                redacted.push_str(REDACTED);
            }
            _ => redacted.push_str(userinfo),
        }
        redacted.push('@');
    }
    redacted.push_str(hostport);
    redacted.push_str(url.path());
    if let Some(raw_query) = url.query() {
        redacted.push('?');
        if seen.iter().any(|key| key == "password") {
            redacted.push_str(&redacted_query.join("&"));
        } else {
            redacted.push_str(raw_query);
        }
    }

    Ok(DatabaseUrl {
        redacted,
        host,
        port,
        user,
        password,
        database,
        sslmode,
        sslrootcert,
        application_name: application_name.unwrap_or_else(|| "retort".to_owned()),
        connect_timeout,
        options,
        target_session_attrs,
        channel_binding,
    })
}

/// Characters kept as they are in a database name in a URL path (RFC 3986 unreserved).
const PATH_KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `redacted` (already free of the password) with its path replaced by `/name` and any
/// `dbname=` query parameter removed.
fn redacted_with_database(redacted: &str, name: &str) -> String {
    let (scheme, rest) = redacted.split_once("://").unwrap_or(("postgres", redacted));
    // The authority holds no '/' or '?' (parsing split the URL at the first of them).
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, after) = rest.split_at(authority_end);
    let query = after.split_once('?').map(|(_, q)| q).unwrap_or("");
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter(|pair| {
            let key = pair.split_once('=').map(|(k, _)| k).unwrap_or(pair);
            percent_decode_str(key).decode_utf8_lossy() != "dbname"
        })
        .collect();
    let mut out = format!(
        "{scheme}://{authority}/{}",
        utf8_percent_encode(name, PATH_KEEP)
    );
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    out
}

fn socket_path(dir: &Path, port: u16) -> PathBuf {
    dir.join(format!(".s.PGSQL.{port}"))
}

/// The first default socket directory that holds the server's socket, else the first one.
fn default_socket_dir(port: u16) -> PathBuf {
    DEFAULT_SOCKET_DIRS
        .iter()
        .map(PathBuf::from)
        .find(|dir| socket_path(dir, port).exists())
        .unwrap_or_else(|| PathBuf::from(DEFAULT_SOCKET_DIRS[0]))
}

/// Why a URL could not be used or a connection could not be made. Every message is one line and
/// never contains the password.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnError {
    /// The URL is malformed or names something unsupported.
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    /// No connection could be opened (refused, unreachable, unknown host, no socket file).
    #[error("could not connect to server at {target}: {reason}")]
    Unreachable { target: String, reason: String },
    /// The connection attempt took longer than `connect_timeout`.
    #[error("could not connect to server at {target}: timed out{}", after(.timeout))]
    Timeout {
        target: String,
        timeout: Option<Duration>,
    },
    /// The server refused the credentials, or `pg_hba.conf` has no entry for this connection.
    #[error("could not connect to server at {target}: {message}")]
    Authentication { target: String, message: String },
    /// The database does not exist (SQLSTATE 3D000).
    #[error("could not connect to server at {target}: {message}")]
    UnknownDatabase {
        target: String,
        database: String,
        message: String,
    },
    /// Any other error reported by the server during startup (too many connections, starting
    /// up, ...).
    #[error("could not connect to server at {target}: {message}")]
    Server {
        target: String,
        /// The five-character SQLSTATE.
        code: String,
        message: String,
    },
    /// TLS could not be established: the server does not support it, the certificate was
    /// rejected, the handshake failed, or `sslrootcert` could not be read.
    #[error("could not connect to server at {target}: {reason}")]
    Tls { target: String, reason: String },
    /// The connection broke during startup, or the server spoke unexpectedly.
    #[error("could not connect to server at {target}: {reason}")]
    Protocol { target: String, reason: String },
}

fn after(timeout: &Option<Duration>) -> String {
    match timeout {
        Some(t) => format!(" after {} s", t.as_secs()),
        None => String::new(),
    }
}

/// Opens a connection and spawns its driver task with `tokio::spawn` (so a tokio runtime must be
/// running). The connection closes when the returned client is dropped.
pub async fn connect(url: &DatabaseUrl) -> Result<tokio_postgres::Client, ConnError> {
    let target = url.scrub(&url.target());
    match url.sslmode {
        SslMode::Allow => match connect_once(url, &target, Tls::Off).await {
            Err(
                ConnError::Authentication { .. }
                | ConnError::Server { .. }
                | ConnError::UnknownDatabase { .. },
            ) => connect_once(url, &target, Tls::Require(Verify::None)).await,
            other => other,
        },
        SslMode::Disable => connect_once(url, &target, Tls::Off).await,
        SslMode::Prefer => connect_once(url, &target, Tls::Prefer).await,
        SslMode::Require => connect_once(url, &target, Tls::Require(Verify::None)).await,
        SslMode::VerifyCa => connect_once(url, &target, Tls::Require(Verify::Chain)).await,
        SslMode::VerifyFull => connect_once(url, &target, Tls::Require(Verify::Full)).await,
    }
}

/// What one connection attempt does about TLS.
#[derive(Clone, Copy)]
enum Tls {
    Off,
    Prefer,
    Require(Verify),
}

/// How a server certificate is checked.
#[derive(Clone, Copy)]
enum Verify {
    None,
    Chain,
    Full,
}

async fn connect_once(
    url: &DatabaseUrl,
    target: &str,
    tls: Tls,
) -> Result<tokio_postgres::Client, ConnError> {
    use tokio_postgres::config::SslMode as PgSsl;

    let mut config = tokio_postgres::Config::new();
    config
        .user(url.user.clone())
        .dbname(url.database.clone())
        .port(url.port)
        .application_name(url.application_name.clone())
        .target_session_attrs(url.target_session_attrs)
        .channel_binding(url.channel_binding);
    match &url.host {
        HostSpec::Tcp(host) => config.host(host.clone()),
        HostSpec::Unix(dir) => config.host_path(dir),
        HostSpec::DefaultSocket => config.host_path(default_socket_dir(url.port)),
    };
    if let Some(password) = &url.password {
        config.password(password.clone());
    }
    if let Some(options) = &url.options {
        config.options(options.clone());
    }
    if let Some(timeout) = url.connect_timeout {
        config.connect_timeout(timeout);
    }
    let (pg_mode, verify) = match tls {
        _ if url.is_unix_socket() => (PgSsl::Disable, Verify::None),
        Tls::Off => (PgSsl::Disable, Verify::None),
        Tls::Prefer => (PgSsl::Prefer, Verify::None),
        Tls::Require(verify) => (PgSsl::Require, verify),
    };
    config.ssl_mode(pg_mode);
    let verify = match (verify, &url.sslrootcert) {
        // `prefer` with a root certificate verifies the chain when TLS is used, as in libpq.
        (Verify::None, Some(RootCert::File(_))) if matches!(tls, Tls::Prefer) => Verify::Chain,
        (verify, _) => verify,
    };
    let connector = if matches!(pg_mode, PgSsl::Disable) {
        MakeRustlsConnect::new(
            tls_config(Verify::None, None).map_err(|reason| ConnError::Tls {
                target: target.to_owned(),
                reason,
            })?,
        )
    } else {
        MakeRustlsConnect::new(
            tls_config(verify, url.sslrootcert.as_ref()).map_err(|reason| ConnError::Tls {
                target: target.to_owned(),
                reason: url.scrub(&reason),
            })?,
        )
    };

    let attempt = config.connect(connector);
    let result = match url.connect_timeout {
        // The socket-level timeout does not cover the startup exchange; this one covers it all.
        Some(timeout) => match tokio::time::timeout(timeout, attempt).await {
            Ok(result) => result,
            Err(_) => {
                return Err(ConnError::Timeout {
                    target: target.to_owned(),
                    timeout: Some(timeout),
                });
            }
        },
        None => attempt.await,
    };
    let (client, connection) = result.map_err(|e| classify(&e, url, target))?;
    tokio::spawn(async move {
        // Errors after startup surface on the client's next request.
        let _ = connection.await;
    });
    Ok(client)
}

/// Maps a tokio-postgres startup error to a one-line [`ConnError`].
fn classify(err: &tokio_postgres::Error, url: &DatabaseUrl, target: &str) -> ConnError {
    let target = target.to_owned();
    if let Some(db) = err.as_db_error() {
        let message = url.scrub(&one_line(db.message()));
        let code = db.code();
        return if *code == SqlState::INVALID_PASSWORD
            || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
        {
            ConnError::Authentication { target, message }
        } else if *code == SqlState::INVALID_CATALOG_NAME {
            ConnError::UnknownDatabase {
                target,
                database: url.scrub(&url.database),
                message,
            }
        } else {
            ConnError::Server {
                target,
                code: code.code().to_owned(),
                message,
            }
        };
    }

    // tokio-postgres keeps its error kinds private; its display text names them.
    let kind = err.to_string();
    let io = std::error::Error::source(err).and_then(|e| e.downcast_ref::<io::Error>());
    let rustls_err = find_rustls_error(err);
    if kind == "error performing TLS handshake" || rustls_err.is_some() {
        let reason = match rustls_err {
            Some(e) => describe_rustls(e, url),
            None => match std::error::Error::source(err) {
                Some(cause) if cause.to_string() == "server does not support TLS" => format!(
                    "server does not support TLS (sslmode={})",
                    url.sslmode.as_str()
                ),
                Some(cause) => format!("TLS handshake failed: {}", one_line(&chain(cause))),
                None => "TLS handshake failed".to_owned(),
            },
        };
        return ConnError::Tls {
            target,
            reason: url.scrub(&reason),
        };
    }
    if kind == "timeout waiting for server" {
        return ConnError::Timeout {
            target,
            timeout: url.connect_timeout,
        };
    }
    if let Some(io) = io {
        if io.kind() == io::ErrorKind::TimedOut {
            return ConnError::Timeout {
                target,
                timeout: url.connect_timeout,
            };
        }
        let reason = url.scrub(&describe_io(io, url));
        return if kind == "error connecting to server" {
            ConnError::Unreachable { target, reason }
        } else {
            ConnError::Protocol {
                target,
                reason: format!("connection lost during startup: {reason}"),
            }
        };
    }
    if kind == "connection closed" {
        return ConnError::Protocol {
            target,
            reason: "the server closed the connection unexpectedly".to_owned(),
        };
    }
    let cause = std::error::Error::source(err)
        .map(|c| c.to_string())
        .unwrap_or_default();
    if cause == "password missing" {
        // Reported as a configuration error by tokio-postgres when the server asks for one.
        return ConnError::Authentication {
            target,
            message: "the server requires a password and the URL has none".to_owned(),
        };
    }
    if kind == "authentication error" {
        let message = format!("authentication failed: {}", one_line(&cause));
        return ConnError::Authentication {
            target,
            message: url.scrub(&message),
        };
    }
    ConnError::Protocol {
        target,
        reason: url.scrub(&one_line(&chain(err))),
    }
}

/// The error and its sources, joined with ": ".
fn chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut next = err.source();
    while let Some(e) = next {
        out.push_str(": ");
        out.push_str(&e.to_string());
        next = e.source();
    }
    out
}

/// Collapses whitespace runs (newlines included) into single spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Finds a rustls error in the chain. `io::Error::source` skips the error it wraps, so wrapped
/// errors are looked at through `get_ref`.
fn find_rustls_error<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = next {
        if let Some(found) = e.downcast_ref::<rustls::Error>() {
            return Some(found);
        }
        if let Some(io) = e.downcast_ref::<io::Error>()
            && let Some(inner) = io.get_ref()
        {
            if let Some(found) = inner.downcast_ref::<rustls::Error>() {
                return Some(found);
            }
            next = inner.source();
            continue;
        }
        next = e.source();
    }
    None
}

fn describe_rustls(err: &rustls::Error, url: &DatabaseUrl) -> String {
    let host = match &url.host {
        HostSpec::Tcp(host) => host.as_str(),
        _ => "",
    };
    match err {
        rustls::Error::InvalidCertificate(cert) => {
            let what = match cert {
                CertificateError::UnknownIssuer => {
                    let roots = match &url.sslrootcert {
                        Some(RootCert::File(path)) => {
                            format!("the CA in sslrootcert '{}'", path.display())
                        }
                        _ => "a known CA (set sslrootcert to the server's CA file)".to_owned(),
                    };
                    format!("the server certificate is not signed by {roots}")
                }
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => {
                    format!("the server certificate is not valid for host '{host}'")
                }
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    "the server certificate has expired".to_owned()
                }
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                    "the server certificate is not valid yet".to_owned()
                }
                CertificateError::Revoked => "the server certificate is revoked".to_owned(),
                other => format!("{other:?}"),
            };
            format!(
                "certificate verification failed (sslmode={}): {what}",
                url.sslmode.as_str()
            )
        }
        other => format!("TLS handshake failed: {}", one_line(&other.to_string())),
    }
}

fn describe_io(err: &io::Error, url: &DatabaseUrl) -> String {
    use io::ErrorKind as K;
    match err.kind() {
        K::ConnectionRefused => "connection refused".to_owned(),
        K::ConnectionReset => "connection reset by the server".to_owned(),
        K::ConnectionAborted => "connection aborted".to_owned(),
        K::NotFound if url.is_unix_socket() => {
            "no such socket file (is the server running locally?)".to_owned()
        }
        K::PermissionDenied => "permission denied".to_owned(),
        K::HostUnreachable => "host unreachable".to_owned(),
        K::NetworkUnreachable => "network unreachable".to_owned(),
        K::AddrNotAvailable => "address not available".to_owned(),
        K::UnexpectedEof => "the server closed the connection".to_owned(),
        _ => {
            let text = err.to_string();
            // "Connection refused (os error 111)" -> "connection refused"
            let text = match text.rfind(" (os error ") {
                Some(at) => &text[..at],
                None => text.as_str(),
            };
            let text = match text.strip_prefix("failed to lookup address information: ") {
                Some(reason) => format!("could not resolve host name ({reason})"),
                None => text.to_owned(),
            };
            let mut chars = text.chars();
            let text = match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => "input/output error".to_owned(),
            };
            one_line(&text)
        }
    }
}

/// A rustls client configuration with the ring provider (never a process default) and the
/// requested certificate verification.
fn tls_config(verify: Verify, roots: Option<&RootCert>) -> Result<ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed: {e}"))?;
    let config = match verify {
        Verify::None => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(WithoutHostName {
                roots: None,
                algorithms: provider.signature_verification_algorithms,
            }))
            .with_no_client_auth(),
        Verify::Chain => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(WithoutHostName {
                roots: Some(Arc::new(load_roots(roots)?)),
                algorithms: provider.signature_verification_algorithms,
            }))
            .with_no_client_auth(),
        Verify::Full => builder
            .with_root_certificates(load_roots(roots)?)
            .with_no_client_auth(),
    };
    Ok(config)
}

fn load_roots(source: Option<&RootCert>) -> Result<RootCertStore, String> {
    match source {
        None | Some(RootCert::System) => Ok(RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        }),
        Some(RootCert::File(path)) => {
            let shown = path.display();
            let file = std::fs::File::open(path).map_err(|e| {
                format!(
                    "cannot read sslrootcert '{shown}': {}",
                    describe_plain_io(&e)
                )
            })?;
            let mut reader = BufReader::new(file);
            let mut store = RootCertStore::empty();
            for cert in rustls_pemfile::certs(&mut reader) {
                let cert = cert.map_err(|e| {
                    format!(
                        "cannot read sslrootcert '{shown}': {}",
                        describe_plain_io(&e)
                    )
                })?;
                store.add(cert).map_err(|e| {
                    format!("sslrootcert '{shown}' holds an unusable certificate: {e}")
                })?;
            }
            if store.is_empty() {
                return Err(format!("sslrootcert '{shown}' holds no PEM certificate"));
            }
            Ok(store)
        }
    }
}

fn describe_plain_io(err: &io::Error) -> String {
    let text = err.to_string();
    let text = match text.rfind(" (os error ") {
        Some(at) => &text[..at],
        None => text.as_str(),
    };
    one_line(&text.to_lowercase())
}

/// The verifier for the modes that do not check the host name. Without `roots` (`prefer`,
/// `require` without a root certificate) any certificate is accepted, as libpq does; with them
/// (`verify-ca`) the chain must lead to one of them. Either way the handshake must be signed by
/// the key of the certificate presented.
#[derive(Debug)]
struct WithoutHostName {
    roots: Option<Arc<RootCertStore>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for WithoutHostName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Some(roots) = &self.roots {
            let cert = rustls::server::ParsedCertificate::try_from(end_entity)?;
            rustls::client::verify_server_cert_signed_by_trust_anchor(
                &cert,
                roots,
                intermediates,
                now,
                self.algorithms.all,
            )?;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> DatabaseUrl {
        match text.parse() {
            Ok(url) => url,
            Err(e) => panic!("{text}: {e}"),
        }
    }

    fn err(text: &str) -> String {
        match text.parse::<DatabaseUrl>() {
            Ok(url) => panic!("{text} parsed as {url:?}"),
            Err(ConnError::InvalidUrl(message)) => {
                assert!(!message.contains('\n'), "{message}");
                message
            }
            Err(other) => panic!("{text}: unexpected error {other:?}"),
        }
    }

    #[test]
    fn every_scheme_parses_to_the_same_connection() {
        for scheme in SCHEMES {
            let u = url(&format!("{scheme}://alice:pw@db.example.com:6543/app"));
            assert_eq!(u.host, HostSpec::Tcp("db.example.com".into()), "{scheme}");
            assert_eq!(u.port(), 6543);
            assert_eq!(u.user(), "alice");
            assert_eq!(u.password.as_deref(), Some(&b"pw"[..]));
            assert_eq!(u.database(), "app");
            assert_eq!(u.ssl_mode(), SslMode::Prefer);
            assert_eq!(u.target(), "db.example.com:6543");
        }
        // Schemes are case-insensitive.
        assert_eq!(url("PostgreSQL://a@h/d").database(), "d");
    }

    #[test]
    fn unsupported_schemes_are_named() {
        assert_eq!(
            err("mysql://u:pw@h/db"),
            "unsupported scheme 'mysql' (expected postgres:// or postgresql://)"
        );
        assert!(err("postgresql+mysqldb://h/db").contains("'postgresql+mysqldb'"));
        assert!(err("http://h/db").contains("unsupported scheme 'http'"));
        assert_eq!(err("postgres:db"), "expected 'postgres://' at the start");
        assert!(err("just some text").starts_with("expected a URL"));
        assert!(err("").starts_with("expected a URL"));
    }

    #[test]
    fn user_password_and_database_are_percent_decoded() {
        let u = url("postgres://us%40er:p%40ss%3Aw%2F%25@h/my%20db%2Fx");
        assert_eq!(u.user(), "us@er");
        assert_eq!(u.password.as_deref(), Some(&b"p@ss:w/%"[..]));
        assert_eq!(u.database(), "my db/x");
        // An unencoded '@' in the password: the last '@' ends the user info.
        let u = url("postgres://u:p@ss@h/db");
        assert_eq!(u.password.as_deref(), Some(&b"p@ss"[..]));
        assert_eq!(u.host, HostSpec::Tcp("h".into()));
        // Non-UTF-8 passwords are kept as bytes.
        let u = url("postgres://u:%FF%FE@h/db");
        assert_eq!(u.password.as_deref(), Some(&[0xff, 0xfe][..]));
        assert!(err("postgres://%FF@h/db").contains("user name is not valid UTF-8"));
        // An empty password is no password.
        assert_eq!(url("postgres://u:@h/db").password, None);
    }

    #[test]
    fn defaults_follow_libpq() {
        let u = url("postgres://bob@h");
        assert_eq!(u.database(), "bob");
        assert_eq!(u.port(), 5432);
        assert_eq!(u.connect_timeout(), Some(Duration::from_secs(10)));
        assert_eq!(u.application_name, "retort");
        assert_eq!(u.ssl_mode(), SslMode::Prefer);
        assert_eq!(url("postgres://bob@h/").database(), "bob");
        if let Ok(os_user) = std::env::var("USER")
            && !os_user.is_empty()
        {
            assert_eq!(url("postgres://u@h/db").user(), os_user);
        }
    }

    #[test]
    fn hosts_tcp_ipv6_and_unix_sockets() {
        let u = url("postgres://u@[::1]:5433/db");
        assert_eq!(u.host, HostSpec::Tcp("::1".into()));
        assert_eq!(u.target(), "[::1]:5433");
        assert_eq!(url("postgres://u@10.1.2.3/db").target(), "10.1.2.3:5432");

        let u = url("postgres://u@/db?host=/var/run/postgresql");
        assert_eq!(u.host, HostSpec::Unix("/var/run/postgresql".into()));
        assert_eq!(u.target(), "/var/run/postgresql/.s.PGSQL.5432");
        let u = url("postgresql://u@/db?host=%2Ftmp&port=6000");
        assert_eq!(u.host, HostSpec::Unix("/tmp".into()));
        assert_eq!(u.target(), "/tmp/.s.PGSQL.6000");
        let u = url("postgres://u@%2Fvar%2Frun%2Fpostgresql/db");
        assert_eq!(u.host, HostSpec::Unix("/var/run/postgresql".into()));
        // An empty host is the default socket directory, with or without user info.
        assert_eq!(url("postgres://u@/db").host, HostSpec::DefaultSocket);
        assert_eq!(url("postgres:///db?user=u").host, HostSpec::DefaultSocket);
        assert_eq!(url("postgres://u:pw@/db").host, HostSpec::DefaultSocket);
        assert_eq!(url("postgres://u:pw@:5433/db").port(), 5433);
        let u = url("postgres://:5433/db?user=u");
        assert_eq!((&u.host, u.port()), (&HostSpec::DefaultSocket, 5433));
        assert_eq!(u.redacted(), "postgres://:5433/db?user=u");
        // TLS is never used over a socket; verification there is a mistake.
        assert_eq!(
            url("postgres://u@/db?host=/tmp&sslmode=require").ssl_mode(),
            SslMode::Disable
        );
        assert_eq!(
            err("postgres://u@/db?host=/tmp&sslmode=verify-full"),
            "sslmode=verify-full cannot be used with a Unix-domain socket"
        );
        // The query's host overrides the URL's.
        let u = url("postgres://u@a.example/db?host=b.example");
        assert_eq!(u.host, HostSpec::Tcp("b.example".into()));
    }

    #[test]
    fn bad_hosts_and_ports() {
        assert_eq!(err("postgres://u:pw@h:99999/db"), "invalid port");
        assert_eq!(err("postgres://u:pw@h:abc/db"), "invalid port");
        assert_eq!(err("postgres://u:pw@h:0/db"), "invalid port");
        assert_eq!(err("postgres://u@h/db?port=x"), "invalid port");
        assert_eq!(err("postgres://u@ho st/db"), "invalid host name");
        assert_eq!(err("postgres://u@[::1/db"), "invalid IPv6 address");
        assert_eq!(
            err("postgres://u@h1:5432,h2:5432/db"),
            "multiple hosts are not supported"
        );
    }

    #[test]
    fn sslmodes_and_the_asyncpg_alias() {
        for mode in [
            "disable",
            "allow",
            "prefer",
            "require",
            "verify-ca",
            "verify-full",
        ] {
            let u = url(&format!("postgres://u@h/db?sslmode={mode}"));
            assert_eq!(u.ssl_mode().as_str(), mode);
        }
        for (value, mode) in [
            ("true", SslMode::VerifyFull),
            ("True", SslMode::VerifyFull),
            ("false", SslMode::Disable),
            ("require", SslMode::Require),
            ("disable", SslMode::Disable),
            ("verify-full", SslMode::VerifyFull),
            ("prefer", SslMode::Prefer),
        ] {
            let u = url(&format!("postgresql+asyncpg://u@h/db?ssl={value}"));
            assert_eq!(u.ssl_mode(), mode, "ssl={value}");
        }
        assert_eq!(
            url("postgres://u@h/db?sslmode=require&ssl=require").ssl_mode(),
            SslMode::Require
        );
        assert_eq!(
            err("postgres://u@h/db?sslmode=require&ssl=disable"),
            "sslmode=require and ssl=disable disagree"
        );
        assert!(err("postgres://u@h/db?sslmode=strict").starts_with("invalid sslmode 'strict'"));
        assert!(err("postgres://u@h/db?ssl=maybe").starts_with("invalid ssl 'maybe'"));
    }

    #[test]
    fn sslrootcert_follows_libpq() {
        let u = url("postgres://u@h/db?sslmode=require&sslrootcert=/etc/ca.pem");
        assert_eq!(u.ssl_mode(), SslMode::VerifyCa);
        assert_eq!(u.sslrootcert, Some(RootCert::File("/etc/ca.pem".into())));
        let u = url("postgres://u@h/db?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem");
        assert_eq!(u.ssl_mode(), SslMode::VerifyFull);
        assert_eq!(u.sslrootcert, Some(RootCert::File("/etc/ca.pem".into())));
        let u = url("postgres://u@h/db?sslrootcert=system");
        assert_eq!(u.ssl_mode(), SslMode::VerifyFull);
        assert_eq!(u.sslrootcert, Some(RootCert::System));
        assert_eq!(
            err("postgres://u@h/db?sslrootcert=system&sslmode=verify-ca"),
            "sslrootcert=system requires sslmode=verify-full (not verify-ca)"
        );
        assert_eq!(
            err("postgres://u@h/db?sslrootcert="),
            "sslrootcert is empty"
        );
    }

    #[test]
    fn other_parameters() {
        let u = url(
            "postgres://u@h/db?application_name=my%20app&options=-c%20search_path%3Da+b\
             &target_session_attrs=read-write&connect_timeout=3&channel_binding=require\
             &client_encoding=UTF8",
        );
        assert_eq!(u.application_name, "my app");
        // '+' is not a space: only %XX is decoded, as in libpq.
        assert_eq!(u.options.as_deref(), Some("-c search_path=a+b"));
        assert_eq!(
            u.target_session_attrs,
            tokio_postgres::config::TargetSessionAttrs::ReadWrite
        );
        assert_eq!(
            u.channel_binding,
            tokio_postgres::config::ChannelBinding::Require
        );
        assert_eq!(u.connect_timeout(), Some(Duration::from_secs(3)));
        assert_eq!(
            url("postgres://u@h/db?connect_timeout=0").connect_timeout(),
            None
        );
        assert_eq!(
            url("postgres://u@h/db?connect_timeout=1").connect_timeout(),
            Some(Duration::from_secs(2))
        );
        assert!(
            err("postgres://u@h/db?connect_timeout=1.5").starts_with("invalid connect_timeout")
        );
        assert!(err("postgres://u@h/db?connect_timeout=-1").starts_with("invalid connect_timeout"));
        assert!(
            err("postgres://u@h/db?target_session_attrs=primary")
                .starts_with("unsupported target_session_attrs 'primary'")
        );
        assert!(err("postgres://u@h/db?client_encoding=latin1").contains("only UTF8"));

        let u = url("postgres://u@h/db?user=carol&dbname=other&port=6000");
        assert_eq!((u.user(), u.database(), u.port()), ("carol", "other", 6000));
    }

    #[test]
    fn bad_parameters_are_named() {
        assert_eq!(
            err("postgres://u@h/db?sslmod=require"),
            "unknown query parameter 'sslmod'"
        );
        assert_eq!(
            err("postgres://u@h/db?sslcert=/x.pem"),
            "query parameter 'sslcert' is not supported"
        );
        assert_eq!(
            err("postgres://u@h/db?sslmode=require&sslmode=disable"),
            "query parameter 'sslmode' is given more than once"
        );
        assert_eq!(
            err("postgres://u@h/db?sslmode"),
            "query parameter 'sslmode' has no value"
        );
        // Names that could be pieces of a mangled password are not quoted back.
        assert_eq!(
            err("postgres://u@h/db?a%20b%3Dc=1"),
            "unknown query parameter (name not shown)"
        );
    }

    #[test]
    fn redaction() {
        let u = url("postgres://u:s3cr%40t@h:5433/db?sslmode=require");
        let expected = "postgres://u:***@h:5433/db?sslmode=require";
        assert_eq!(u.redacted(), expected);
        assert_eq!(u.to_string(), expected);
        assert_eq!(format!("{u:?}"), format!("DatabaseUrl({expected:?})"));
        assert!(!format!("{u:#?}").contains("s3cr"));

        // Without a password the URL comes back as given.
        for text in [
            "postgresql+asyncpg://u@h/db",
            "postgres://u@h/db?options=-c%20x%3Dy+z&application_name=a",
            "postgres://u@/db?host=/tmp",
            "postgres://u:@h/db",
            "postgres://u@[::1]:5433/db",
        ] {
            assert_eq!(url(text).redacted(), text);
        }

        let u = url("postgresql+psycopg2://u@h/db?password=hunter22&sslmode=disable");
        assert_eq!(
            u.redacted(),
            "postgresql+psycopg2://u@h/db?password=***&sslmode=disable"
        );
        assert_eq!(u.password.as_deref(), Some(&b"hunter22"[..]));
        let u = url("postgres://u:pw@/db?host=/tmp");
        assert_eq!(u.redacted(), "postgres://u:***@/db?host=/tmp");
    }

    #[test]
    fn with_database_keeps_everything_but_the_database() {
        let u =
            url("postgres://u:s3cret@h:5433/app?sslmode=require&dbname=other&application_name=x");
        let v = u.with_database("retort_scratch_1");
        assert_eq!(v.database(), "retort_scratch_1");
        assert_eq!(
            (v.user(), v.port(), v.ssl_mode()),
            ("u", 5433, SslMode::Require)
        );
        assert_eq!(v.password.as_deref(), Some(&b"s3cret"[..]));
        assert_eq!(v.application_name, "x");
        assert_eq!(
            v.redacted(),
            "postgres://u:***@h:5433/retort_scratch_1?sslmode=require&application_name=x"
        );
        assert_eq!(u.database(), "other");

        let v = url("postgres://u@/db?host=/tmp&password=pw").with_database("a b/c");
        assert_eq!(v.database(), "a b/c");
        assert_eq!(
            v.redacted(),
            "postgres://u@/a%20b%2Fc?host=/tmp&password=***"
        );
        assert_eq!(v.host, HostSpec::Unix("/tmp".into()));
        assert_eq!(
            url("postgres://u@h").with_database("d").redacted(),
            "postgres://u@h/d"
        );
    }

    #[test]
    fn errors_never_show_the_password() {
        let secret = "Zq9SecretXw";
        for text in [
            format!("mysql://u:{secret}@h/db"),
            format!("postgres://u:{secret}@h:99999/db"),
            format!("postgres://u:{secret}@ho st/db"),
            format!("postgres://u:{secret}@h/db?sslmode=bogus"),
            format!("postgres://u:{secret}@h/db?{secret}=1"),
            format!("postgres://u:{secret}@h/db?sslmode={secret}"),
            format!("postgres://u:{secret}@h/db?password={secret}&password=x"),
            format!("postgres://u@h/db?password={secret}&bogus=1"),
            format!("postgres://u@h/db?sslmode={secret}&password={secret}"),
            format!(
                "postgres://u@h/db?ssl={secret}&password=%5A{}",
                &secret[1..]
            ),
            format!("postgres://u:{secret}@h/{secret}?connect_timeout={secret}"),
            format!("postgres://u:{secret}@h/db?target_session_attrs={secret}"),
        ] {
            let message = err(&text);
            assert!(!message.contains(secret), "{text}: {message}");
        }
    }

    #[test]
    fn passwords_with_unencoded_delimiters_are_rejected_without_echo() {
        for (text, piece) in [
            ("postgres://u:ab#cd@h/db", "cd"),
            ("postgres://u:ab/cd@h/db", "ab"),
            ("postgres://u:12/cdzz@h/db", "cdzz"),
            ("postgres://u:ab?cd@h/db", "ab"),
            ("postgres://u:12?cdzz@h/db", "cdzz"),
        ] {
            let message = err(text);
            assert!(!message.contains(piece), "{text}: {message}");
            assert!(
                message.contains("percent-encode") || message.contains("not shown"),
                "{text}: {message}"
            );
        }
    }

    #[test]
    fn connection_error_messages() {
        let e = ConnError::Timeout {
            target: "10.0.0.1:5432".into(),
            timeout: Some(Duration::from_secs(10)),
        };
        assert_eq!(
            e.to_string(),
            "could not connect to server at 10.0.0.1:5432: timed out after 10 s"
        );
        let e = ConnError::Unreachable {
            target: "127.0.0.1:1".into(),
            reason: "connection refused".into(),
        };
        assert_eq!(
            e.to_string(),
            "could not connect to server at 127.0.0.1:1: connection refused"
        );
        assert_eq!(
            ConnError::InvalidUrl("invalid port".into()).to_string(),
            "invalid database URL: invalid port"
        );
    }

    #[test]
    fn scrubbing_and_one_line() {
        assert_eq!(scrub("a pw b pw", &["pw".into()]), "a *** b ***");
        assert_eq!(scrub("unchanged", &[String::new()]), "unchanged");
        assert_eq!(one_line("a\n  b\tc "), "a b c");
        assert!(showable("sslmode"));
        assert!(!showable("a@b"));
        assert!(!showable(""));
    }
}
