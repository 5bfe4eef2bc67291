//! Reads a [`Catalog`] from a live PostgreSQL database.
//!
//! All catalog SQL lives in `src/queries/*.sql`, one file per object kind. Each runs exactly once
//! per introspection, set-based and pipelined on one connection, inside one read-only
//! repeatable-read transaction with an empty `search_path` (so every expression PostgreSQL prints
//! names user objects schema-qualified) and fixed `TimeZone` (UTC), `DateStyle`,
//! `IntervalStyle` and `extra_float_digits` (so constants print the same whatever the server's
//! or the role's settings). The number of queries does not depend on the schema.
//!
//! Objects owned by extensions, system schemas and temporary schemas are left out. Objects in
//! the managed schemas that the catalog cannot represent are listed in
//! [`Introspection::unsupported`], never dropped silently.

mod assemble;
pub mod conn;
pub mod position;
mod query;
pub mod scratch;

use futures_util::future::try_join_all;
use retort_catalog::Catalog;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Row};

use query::{Fragments, Query};

/// Oldest PostgreSQL major supported (13).
pub const MIN_SERVER_VERSION_NUM: u32 = 130_000;

/// Which schemas to read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IntrospectOptions {
    /// Only these schemas; empty means every non-system schema.
    pub include_schemas: Vec<String>,
    /// Never these schemas.
    pub exclude_schemas: Vec<String>,
}

/// An object present in the database that the catalog does not model.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unsupported {
    /// `aggregate`, `rule`, `foreign table`, ...
    pub kind: String,
    /// A display name, schema-qualified where the object has a schema.
    pub name: String,
}

/// The result of reading a database.
#[derive(Clone, Debug)]
pub struct Introspection {
    pub catalog: Catalog,
    /// `server_version_num`, e.g. 150004.
    pub server_version_num: u32,
    /// How many statements were sent to the server (fixed for a given server version).
    pub queries: usize,
    /// Objects that were found but are not represented in `catalog`, sorted.
    pub unsupported: Vec<Unsupported>,
}

#[derive(Debug, thiserror::Error)]
pub enum IntrospectError {
    #[error("PostgreSQL {found} is not supported: retort needs PostgreSQL 13 or later")]
    UnsupportedServer { found: String },
    #[error("catalog query {query} failed: {message}")]
    Query {
        query: &'static str,
        message: String,
        #[source]
        source: tokio_postgres::Error,
    },
    #[error("catalog query {query}: column {column}: {detail}")]
    Decode {
        query: &'static str,
        column: &'static str,
        detail: String,
    },
    #[error("catalog query {query}: {detail}")]
    Template { query: &'static str, detail: String },
    #[error("unexpected catalog contents: {0}")]
    Inconsistent(String),
}

fn db_message(err: &tokio_postgres::Error) -> String {
    match err.as_db_error() {
        Some(db) => db.message().to_owned(),
        None => err.to_string(),
    }
}

/// Counts every statement sent, so that "a fixed number of queries" is checkable.
struct Session<'a> {
    client: &'a Client,
    sent: usize,
}

impl<'a> Session<'a> {
    async fn batch(&mut self, name: &'static str, sql: &str) -> Result<(), IntrospectError> {
        self.sent += 1;
        self.client
            .batch_execute(sql)
            .await
            .map_err(|source| IntrospectError::Query {
                query: name,
                message: db_message(&source),
                source,
            })
    }

    async fn rows(
        &mut self,
        name: &'static str,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, IntrospectError> {
        self.sent += 1;
        self.client
            .query(sql, params)
            .await
            .map_err(|source| IntrospectError::Query {
                query: name,
                message: db_message(&source),
                source,
            })
    }
}

/// Reads the catalog of the database `client` is connected to.
///
/// The client must not be inside a transaction; this opens and closes its own.
pub async fn introspect(
    client: &Client,
    options: &IntrospectOptions,
) -> Result<Introspection, IntrospectError> {
    let mut session = Session { client, sent: 0 };
    session
        .batch(
            "begin",
            "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; \
             SELECT pg_catalog.set_config('search_path', '', true); \
             SELECT pg_catalog.set_config('work_mem', '64MB', true); \
             SELECT pg_catalog.set_config('TimeZone', 'UTC', true); \
             SELECT pg_catalog.set_config('DateStyle', 'ISO, MDY', true); \
             SELECT pg_catalog.set_config('IntervalStyle', 'postgres', true); \
             SELECT pg_catalog.set_config('extra_float_digits', '1', true);",
        )
        .await?;
    let result = read_all(&mut session, options).await;
    // Read-only: ending it either way is safe; report the first error.
    let end = session.batch("commit", "COMMIT").await;
    let (catalog, server_version_num, unsupported) = result?;
    end?;
    Ok(Introspection {
        catalog,
        server_version_num,
        queries: session.sent,
        unsupported,
    })
}

async fn read_all(
    session: &mut Session<'_>,
    options: &IntrospectOptions,
) -> Result<(Catalog, u32, Vec<Unsupported>), IntrospectError> {
    let version_rows = session
        .rows(
            "server_version",
            "SELECT pg_catalog.current_setting('server_version_num')",
            &[],
        )
        .await?;
    let version_text: String = version_rows
        .first()
        .ok_or_else(|| IntrospectError::Inconsistent("no server_version_num".into()))?
        .try_get(0)
        .map_err(|e| IntrospectError::Decode {
            query: "server_version",
            column: "server_version_num",
            detail: e.to_string(),
        })?;
    let version: u32 =
        version_text
            .trim()
            .parse()
            .map_err(|_| IntrospectError::UnsupportedServer {
                found: version_text.clone(),
            })?;
    if version < MIN_SERVER_VERSION_NUM {
        return Err(IntrospectError::UnsupportedServer {
            found: format!("{}.{}", version / 10_000, version % 10_000),
        });
    }

    let fragments = Fragments::for_version(version);
    let include = &options.include_schemas;
    let exclude = &options.exclude_schemas;
    let texts = Query::ALL
        .iter()
        .map(|q| q.sql(&fragments).map(|sql| (*q, sql)))
        .collect::<Result<Vec<_>, _>>()?;

    // Every query is sent at once; tokio-postgres pipelines them on the one connection.
    let client = session.client;
    session.sent += texts.len();
    let results = try_join_all(texts.iter().map(|(query, sql)| async move {
        let params: Vec<&(dyn ToSql + Sync)> = if sql.contains("$1") {
            vec![include, exclude]
        } else {
            Vec::new()
        };
        client
            .query(sql.as_str(), &params)
            .await
            .map(|rows| (*query, rows))
            .map_err(|source| IntrospectError::Query {
                query: query.name(),
                message: db_message(&source),
                source,
            })
    }))
    .await?;

    let (catalog, unsupported) = assemble::assemble(results.into_iter().collect())?;
    Ok((catalog, version, unsupported))
}
