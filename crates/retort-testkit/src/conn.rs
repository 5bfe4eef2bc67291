//! Connections and the isolated runtime used where async code must run from sync code (Drop,
//! cluster start-up) even when the caller is itself inside a tokio runtime.

use std::future::Future;
use std::time::Duration;

use tokio_postgres::{Client, Config, NoTls};

use crate::sqlerror::error_chain;

/// How long a connection attempt may take before it counts as failed.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs `fut` to completion on a new current-thread runtime in a new OS thread and waits for it.
///
/// A tokio runtime cannot be started (or blocked on) from inside another one, and `Drop` cannot be
/// async; a separate thread with its own runtime works from anywhere, including a panic unwind.
pub(crate) fn block_on_isolated<F, T>(fut: F) -> Result<T, String>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let worker = std::thread::Builder::new()
        .name("retort-testkit".to_owned())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("cannot build a tokio runtime: {e}"))?;
            Ok(runtime.block_on(fut))
        })
        .map_err(|e| format!("cannot spawn a thread: {e}"))?;
    match worker.join() {
        Ok(result) => result,
        Err(_) => Err("the worker thread panicked".to_owned()),
    }
}

/// Connects without TLS, spawns the connection task on the current runtime and returns the client.
pub(crate) async fn connect_config(config: &Config, timeout: Duration) -> Result<Client, String> {
    let mut config = config.clone();
    config.connect_timeout(timeout);
    let attempt = tokio::time::timeout(timeout + Duration::from_secs(1), config.connect(NoTls));
    let (client, connection) = match attempt.await {
        Ok(Ok(pair)) => pair,
        Ok(Err(e)) => return Err(error_chain(&e)),
        Err(_) => return Err(format!("timed out after {} s", timeout.as_secs())),
    };
    tokio::spawn(async move {
        // A failure here (the database was dropped WITH (FORCE), the runtime is shutting down)
        // reaches the client as an error on its next request; nothing more to report.
        let _ = connection.await;
    });
    Ok(client)
}

/// Connects to a `postgres://` URL; see [`connect_config`].
pub(crate) async fn connect_url(url: &str, timeout: Duration) -> Result<Client, String> {
    let config: Config = url
        .parse()
        .map_err(|e: tokio_postgres::Error| error_chain(&e))?;
    connect_config(&config, timeout).await
}

/// The URL with its password, if any, replaced by `***`, for messages.
pub(crate) fn redact(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            }
            parsed.to_string()
        }
        Err(_) => "<not a URL>".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_hides_only_the_password() {
        assert_eq!(
            redact("postgres://alice:s%40cret@db.example:6543/app?sslmode=disable"),
            "postgres://alice:***@db.example:6543/app?sslmode=disable"
        );
        assert_eq!(
            redact("postgres://alice@127.0.0.1:5432/postgres"),
            "postgres://alice@127.0.0.1:5432/postgres"
        );
        assert_eq!(redact("host=/tmp user=x password=y"), "<not a URL>");
    }

    #[test]
    fn isolated_runtime_works_inside_a_runtime() {
        let outer = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let value = outer.block_on(async {
            block_on_isolated(async {
                tokio::time::sleep(Duration::from_millis(1)).await;
                41 + 1
            })
        });
        assert_eq!(value, Ok(42));
    }
}
