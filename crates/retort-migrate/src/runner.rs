//! Applying revisions to a database.
//!
//! # The version table
//!
//! One row per applied (or partly run) revision, in a table named by [`VersionTable`]
//! (`public.retort_version` by default):
//!
//! | column | |
//! | --- | --- |
//! | `revision text PRIMARY KEY` | the revision id |
//! | `checksum text NOT NULL` | the file's checksum when it was (last) run or stamped |
//! | `state text NOT NULL` | `applied`, or `upgrading` / `downgrading` while a run is partway |
//! | `segments_done int NOT NULL` | segments of the running section done (all of up's once applied) |
//! | `segments_total int NOT NULL` | segments of that section |
//! | `applied_at timestamptz NOT NULL DEFAULT now()` | when the row was last written |
//! | `seq bigint GENERATED ALWAYS AS IDENTITY` | apply order |
//!
//! Only operations that write ([`Runner::apply`], [`Runner::stamp`], [`Runner::unstamp`]) create
//! it (`CREATE SCHEMA IF NOT EXISTS` first when its schema is not `public`, then `CREATE TABLE IF
//! NOT EXISTS`), under the lock. [`read_applied`] creates nothing: on a fresh database it returns
//! `None`, so `retort current` stays read-only.
//!
//! # The lock
//!
//! [`Runner::lock`] takes a session-level advisory lock whose key is derived from the table's
//! quoted qualified name ([`VersionTable::lock_key`]); two runners on the same table (from any
//! process or host) take turns, runners on different tables do not meet. The caller reads the
//! applied revisions ([`Runner::applied`]) after taking the lock, decides what to run, runs it
//! and calls [`Runner::unlock`]. A runner dropped without `unlock` keeps the lock until its
//! session ends (dropping the client ends it).
//!
//! # Running a revision
//!
//! A section ([`Script`]) is a list of segments. [`Runner::apply`] runs them in order, from the
//! first the version table does not record as done:
//!
//! - a transactional segment is `BEGIN`, its statements, the version row written (`upgrading`
//!   with `segments_done = i + 1`, or `applied` after the last segment of up; `downgrading`, or
//!   the row deleted after the last segment of down), `COMMIT`. A revision of one segment is
//!   therefore atomic: failed or killed, the database and the version table are exactly as
//!   before.
//! - a non-transactional segment is its one statement sent alone (autocommit), then the row
//!   written by one more statement, its own transaction. A crash between the two leaves the
//!   statement done but not recorded; the next run executes it again (write such statements
//!   so that they can be repeated where PostgreSQL allows, `IF NOT EXISTS`). A failed
//!   `CREATE INDEX CONCURRENTLY` leaves an invalid index behind: that is PostgreSQL's, not the
//!   runner's, to clean.
//! - an empty section still writes (or deletes) the row, in a transaction of its own.
//!
//! Statements are sent one at a time with the simple query protocol, as written, so that an
//! error names its statement and PostgreSQL's error position can be turned into a line and
//! column of the file ([`StatementError`]). On any failure inside a transaction the runner sends
//! `ROLLBACK` (ignoring its failure when the connection is gone) before returning, so no
//! transaction is ever left open. Timeouts are the plan's business (`SET LOCAL lock_timeout`
//! statements in the file); the runner sets none.
//!
//! Up refuses a revision already applied; down one not applied. A row left `upgrading` by an
//! interrupted run is resumed by up at its first segment not done, provided the file's checksum
//! is the one recorded (else [`RunError::ChecksumMismatch`]): the segments done are not run again.
//! Down resumes `downgrading` likewise. Up of a row left `downgrading`, or down of one left
//! `upgrading`, is [`RunError::Partial`]: the interrupted run must be finished first. A plain
//! down of an applied revision does not compare checksums (the down section of the file as it
//! is now runs); history integrity is checked before anything runs, elsewhere.
//!
//! [`Runner::stamp`] and [`Runner::unstamp`] write or delete the row without running SQL
//! (`retort stamp`); stamping over a partly run revision records it as applied (after the rest
//! was done by hand).

mod error;
mod table;

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio_postgres::Client;
use tokio_postgres::error::SqlState;

pub use error::{CommitError, RunError, StatementError};
pub use table::{VersionTable, VersionTableError};

use crate::file::Revision;
use crate::script::{ScriptSegment, Statement};

/// Which section of a revision runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// The up section: the revision is applied.
    Up,
    /// The down section: the revision is undone.
    Down,
}

impl Direction {
    /// `upgrading` / `downgrading`.
    pub fn gerund(self) -> &'static str {
        match self {
            Direction::Up => "upgrading",
            Direction::Down => "downgrading",
        }
    }

    /// The section's name in a migration file: `up` / `down`.
    pub fn section(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }
}

impl fmt::Display for Direction {
    /// `upgrade` / `downgrade` (the CLI's commands).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Up => "upgrade",
            Direction::Down => "downgrade",
        })
    }
}

/// A version row's `state`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    Applied,
    /// Up was interrupted after `segments_done` segments.
    Upgrading,
    /// Down was interrupted after `segments_done` segments.
    Downgrading,
}

impl State {
    /// The text stored in the table.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Applied => "applied",
            State::Upgrading => "upgrading",
            State::Downgrading => "downgrading",
        }
    }

    fn parse(text: &str) -> Option<State> {
        match text {
            "applied" => Some(State::Applied),
            "upgrading" => Some(State::Upgrading),
            "downgrading" => Some(State::Downgrading),
            _ => None,
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the version table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub revision: String,
    pub checksum: String,
    pub state: State,
    pub segments_done: usize,
    pub segments_total: usize,
    /// When the row was last written, in UTC: `2026-12-01 22:10:00 UTC` (the form of
    /// [`Revision::created`]).
    pub applied_at: String,
}

/// A connection holding the advisory lock of a version table; see the module documentation.
#[derive(Debug)]
pub struct Runner<'c> {
    client: &'c Client,
    table: VersionTable,
    /// Set once this runner has created (or found) the version table.
    table_ready: AtomicBool,
}

impl<'c> Runner<'c> {
    /// Takes the advisory lock of `table` on `client`'s session: at once when it is free, else
    /// after calling `on_wait` (to tell the user) and blocking until the runner holding it lets
    /// go. Creates nothing.
    pub async fn lock(
        client: &'c Client,
        table: VersionTable,
        on_wait: impl FnOnce(),
    ) -> Result<Runner<'c>, RunError> {
        let key = table.lock_key();
        let action = || format!("taking the advisory lock of the version table {table}");
        let row = client
            .query_one("SELECT pg_catalog.pg_try_advisory_lock($1)", &[&key])
            .await
            .map_err(|e| database(action(), &e))?;
        let taken: bool = row.try_get(0).map_err(|e| database(action(), &e))?;
        if !taken {
            on_wait();
            client
                .execute("SELECT pg_catalog.pg_advisory_lock($1)", &[&key])
                .await
                .map_err(|e| database(action(), &e))?;
        }
        Ok(Runner {
            client,
            table,
            table_ready: AtomicBool::new(false),
        })
    }

    /// Releases the lock.
    pub async fn unlock(self) -> Result<(), RunError> {
        let action = format!(
            "releasing the advisory lock of the version table {}",
            self.table
        );
        let row = self
            .client
            .query_one(
                "SELECT pg_catalog.pg_advisory_unlock($1)",
                &[&self.table.lock_key()],
            )
            .await
            .map_err(|e| database(action.clone(), &e))?;
        let released: bool = row.try_get(0).map_err(|e| database(action.clone(), &e))?;
        if released {
            Ok(())
        } else {
            Err(RunError::Database {
                action,
                message: "the session did not hold it".to_owned(),
                code: None,
            })
        }
    }

    /// The version table this runner writes.
    pub fn table(&self) -> &VersionTable {
        &self.table
    }

    /// The version table's rows in apply order; empty when the table does not exist yet.
    pub async fn applied(&self) -> Result<Vec<Applied>, RunError> {
        Ok(read_applied(self.client, &self.table)
            .await?
            .unwrap_or_default())
    }

    /// Runs `revision`'s up or down section, resuming an interrupted run of the same direction;
    /// see the module documentation.
    pub async fn apply(&self, revision: &Revision, direction: Direction) -> Result<(), RunError> {
        self.ensure_table().await?;
        let row = self.row(&revision.id).await?;
        let script = match direction {
            Direction::Up => &revision.up,
            Direction::Down => &revision.down,
        };
        let total = script.segments.len();
        let start = resume_at(revision, direction, row.as_ref(), total)?;
        // An empty section still writes its row, in a transaction of its own.
        let empty = ScriptSegment {
            transactional: true,
            statements: Vec::new(),
        };
        let segments: Vec<&ScriptSegment> = if total == 0 {
            vec![&empty]
        } else {
            script.segments.iter().collect()
        };
        let count = segments.len();
        for (index, segment) in segments.iter().enumerate().skip(start) {
            let done = index + 1;
            let record = match (direction, done == count) {
                (Direction::Up, true) => Record::Upsert(State::Applied, total, total),
                (Direction::Up, false) => Record::Upsert(State::Upgrading, done, total),
                (Direction::Down, true) => Record::Delete,
                (Direction::Down, false) => Record::Upsert(State::Downgrading, done, total),
            };
            let step = Step {
                revision,
                direction,
                segment: done,
                segments: count,
                transactional: segment.transactional,
            };
            if segment.transactional {
                self.run_transaction(&step, &segment.statements, &record)
                    .await?;
            } else {
                self.run_alone(&step, &segment.statements, &record).await?;
            }
        }
        Ok(())
    }

    /// Records `revision` as applied without running it. Refused when it is already applied;
    /// a partly run revision is recorded as applied.
    pub async fn stamp(&self, revision: &Revision) -> Result<(), RunError> {
        self.ensure_table().await?;
        if let Some(row) = self.row(&revision.id).await?
            && row.state == State::Applied
        {
            return Err(RunError::AlreadyApplied {
                revision: revision.id.clone(),
                file: revision.file.clone(),
            });
        }
        let total = revision.up.segments.len();
        self.write(revision, &Record::Upsert(State::Applied, total, total))
            .await
            .map_err(|e| self.recording_failed(&revision.id, &e))
    }

    /// Deletes the row of revision `id` without running anything. Refused when there is none.
    pub async fn unstamp(&self, id: &str) -> Result<(), RunError> {
        self.ensure_table().await?;
        let deleted = self
            .client
            .execute(
                &format!("DELETE FROM {} WHERE revision = $1", self.table),
                &[&id],
            )
            .await
            .map_err(|e| self.recording_failed(id, &e))?;
        if deleted == 0 {
            return Err(RunError::NotApplied {
                revision: id.to_owned(),
                file: None,
            });
        }
        Ok(())
    }

    /// Creates the version table (and its schema) unless it exists; once per runner.
    async fn ensure_table(&self) -> Result<(), RunError> {
        if self.table_ready.load(Ordering::Relaxed) {
            return Ok(());
        }
        let sql = self.table.create_sql();
        self.client
            .batch_execute(&sql)
            .await
            .map_err(|e| database(format!("creating the version table {}", self.table), &e))?;
        self.table_ready.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// The row of revision `id`.
    async fn row(&self, id: &str) -> Result<Option<Applied>, RunError> {
        let mut rows = read_rows(self.client, &self.table, Some(id)).await?;
        Ok(rows.pop())
    }

    /// `BEGIN`, the statements, the row written, `COMMIT`; `ROLLBACK` on any failure.
    async fn run_transaction(
        &self,
        step: &Step<'_>,
        statements: &[Statement],
        record: &Record,
    ) -> Result<(), RunError> {
        if let Err(e) = self.client.batch_execute("BEGIN").await {
            self.rollback().await;
            return Err(self.lost_or(step, &e, || {
                database(
                    format!("starting a transaction for {}", step.revision.id),
                    &e,
                )
            }));
        }
        for statement in statements {
            if let Err(e) = self.client.batch_execute(&statement.text).await {
                self.rollback().await;
                return Err(self.statement_failed(step, statement, &e));
            }
        }
        if let Err(e) = self.write(step.revision, record).await {
            self.rollback().await;
            return Err(self.lost_or(step, &e, || self.recording_failed(&step.revision.id, &e)));
        }
        if let Err(e) = self.client.batch_execute("COMMIT").await {
            // A failed COMMIT has ended the transaction already; this is for safety only.
            self.rollback().await;
            return Err(self.lost_or(step, &e, || {
                let (message, code, detail, hint) = server_parts(&e);
                let lines = statements.iter().map(|s| s.line);
                RunError::Commit(Box::new(CommitError {
                    revision: step.revision.id.clone(),
                    file: step.revision.file.clone(),
                    direction: step.direction,
                    line: lines.clone().min().unwrap_or_default(),
                    last_line: lines.max().unwrap_or_default(),
                    message,
                    code,
                    detail,
                    hint,
                }))
            }));
        }
        Ok(())
    }

    /// The statement alone (autocommit), then the row written in a transaction of its own.
    async fn run_alone(
        &self,
        step: &Step<'_>,
        statements: &[Statement],
        record: &Record,
    ) -> Result<(), RunError> {
        for statement in statements {
            if let Err(e) = self.client.batch_execute(&statement.text).await {
                return Err(self.statement_failed(step, statement, &e));
            }
        }
        self.write(step.revision, record)
            .await
            .map_err(|e| self.lost_or(step, &e, || self.recording_failed(&step.revision.id, &e)))
    }

    /// Writes (or deletes) the row of `revision`.
    async fn write(
        &self,
        revision: &Revision,
        record: &Record,
    ) -> Result<(), tokio_postgres::Error> {
        match *record {
            Record::Upsert(state, done, total) => {
                let sql = format!(
                    "INSERT INTO {} (revision, checksum, state, segments_done, segments_total) \
                     VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (revision) DO UPDATE SET checksum = EXCLUDED.checksum, \
                     state = EXCLUDED.state, segments_done = EXCLUDED.segments_done, \
                     segments_total = EXCLUDED.segments_total, applied_at = pg_catalog.now()",
                    self.table
                );
                self.client
                    .execute(
                        &sql,
                        &[
                            &revision.id,
                            &revision.checksum,
                            &state.as_str(),
                            &int(done),
                            &int(total),
                        ],
                    )
                    .await
                    .map(|_| ())
            }
            Record::Delete => self
                .client
                .execute(
                    &format!("DELETE FROM {} WHERE revision = $1", self.table),
                    &[&revision.id],
                )
                .await
                .map(|_| ()),
        }
    }

    /// Ends a failed transaction; errors are ignored (the connection may be gone, or there may
    /// be no transaction).
    async fn rollback(&self) {
        if !self.client.is_closed() {
            let _ = self.client.batch_execute("ROLLBACK").await;
        }
    }

    fn statement_failed(
        &self,
        step: &Step<'_>,
        statement: &Statement,
        err: &tokio_postgres::Error,
    ) -> RunError {
        self.lost_or(step, err, || {
            RunError::Statement(Box::new(StatementError::new(
                &step.revision.id,
                &step.revision.file,
                step.direction,
                statement,
                step.transactional,
                err,
            )))
        })
    }

    /// [`RunError::ConnectionLost`] when `err` means the session is gone, else `other()`.
    fn lost_or(
        &self,
        step: &Step<'_>,
        err: &tokio_postgres::Error,
        other: impl FnOnce() -> RunError,
    ) -> RunError {
        if !connection_lost(self.client, err) {
            return other();
        }
        RunError::ConnectionLost {
            revision: step.revision.id.clone(),
            file: step.revision.file.clone(),
            direction: step.direction,
            segment: step.segment,
            segments: step.segments,
            transactional: step.transactional,
            reason: server_parts(err).0,
        }
    }

    fn recording_failed(&self, id: &str, err: &tokio_postgres::Error) -> RunError {
        database(
            format!("recording {id} in the version table {}", self.table),
            err,
        )
    }
}

/// The rows of the version table `table` in apply order, or `None` when it does not exist.
/// Creates nothing and takes no lock (for `retort current`); a caller that acts on the result
/// uses [`Runner::applied`] under the lock instead.
pub async fn read_applied(
    client: &Client,
    table: &VersionTable,
) -> Result<Option<Vec<Applied>>, RunError> {
    let exists = client
        .query_one(
            "SELECT EXISTS (SELECT FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = $1 AND c.relname = $2)",
            &[&table.schema, &table.name],
        )
        .await
        .and_then(|row| row.try_get::<_, bool>(0))
        .map_err(|e| database(format!("looking for the version table {table}"), &e))?;
    if !exists {
        return Ok(None);
    }
    read_rows(client, table, None).await.map(Some)
}

/// The rows of `table` (all, or the one of revision `only`), in apply order.
async fn read_rows(
    client: &Client,
    table: &VersionTable,
    only: Option<&str>,
) -> Result<Vec<Applied>, RunError> {
    let sql = format!(
        "SELECT revision, checksum, state, segments_done, segments_total, \
         pg_catalog.to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC' \
         FROM {table} WHERE $1::text IS NULL OR revision = $1 ORDER BY seq"
    );
    let action = || format!("reading the version table {table}");
    let rows = client
        .query(&sql, &[&only])
        .await
        .map_err(|e| database(action(), &e))?;
    let bad = |message: String| RunError::BadRow {
        table: table.to_string(),
        message,
    };
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let revision: String = row.try_get(0).map_err(|e| database(action(), &e))?;
        let checksum: String = row.try_get(1).map_err(|e| database(action(), &e))?;
        let state: String = row.try_get(2).map_err(|e| database(action(), &e))?;
        let done: i32 = row.try_get(3).map_err(|e| database(action(), &e))?;
        let total: i32 = row.try_get(4).map_err(|e| database(action(), &e))?;
        let applied_at: String = row.try_get(5).map_err(|e| database(action(), &e))?;
        let Some(parsed) = State::parse(&state) else {
            return Err(bad(format!(
                "revision {revision} has the unknown state {state:?}"
            )));
        };
        let (Ok(segments_done), Ok(segments_total)) =
            (usize::try_from(done), usize::try_from(total))
        else {
            return Err(bad(format!(
                "revision {revision} records {done} of {total} segments done"
            )));
        };
        out.push(Applied {
            revision,
            checksum,
            state: parsed,
            segments_done,
            segments_total,
            applied_at,
        });
    }
    Ok(out)
}

/// The first segment to run, from the revision's row.
fn resume_at(
    revision: &Revision,
    direction: Direction,
    row: Option<&Applied>,
    total: usize,
) -> Result<usize, RunError> {
    let partial = |row: &Applied| RunError::Partial {
        revision: revision.id.clone(),
        file: revision.file.clone(),
        state: row.state,
        segments_done: row.segments_done,
        segments_total: row.segments_total,
        direction,
    };
    let row = match (direction, row) {
        (Direction::Up, None)
        | (
            Direction::Down,
            Some(Applied {
                state: State::Applied,
                ..
            }),
        ) => {
            return Ok(0);
        }
        (Direction::Up, Some(row)) if row.state == State::Applied => {
            return Err(RunError::AlreadyApplied {
                revision: revision.id.clone(),
                file: revision.file.clone(),
            });
        }
        (Direction::Down, None) => {
            return Err(RunError::NotApplied {
                revision: revision.id.clone(),
                file: Some(revision.file.clone()),
            });
        }
        (Direction::Up, Some(row)) if row.state == State::Downgrading => return Err(partial(row)),
        (Direction::Down, Some(row)) if row.state == State::Upgrading => return Err(partial(row)),
        (_, Some(row)) => row,
    };
    // Resuming the same direction.
    if row.checksum != revision.checksum {
        return Err(RunError::ChecksumMismatch {
            revision: revision.id.clone(),
            file: revision.file.clone(),
            direction,
            recorded: row.checksum.clone(),
            found: revision.checksum.clone(),
        });
    }
    if row.segments_total != total || row.segments_done >= total {
        return Err(RunError::SegmentsChanged {
            revision: revision.id.clone(),
            file: revision.file.clone(),
            direction,
            recorded: row.segments_total,
            found: total,
        });
    }
    Ok(row.segments_done)
}

/// What is written with a segment.
enum Record {
    /// The row with this state, segments done and total.
    Upsert(State, usize, usize),
    Delete,
}

/// The segment being run, for messages.
struct Step<'r> {
    revision: &'r Revision,
    direction: Direction,
    /// 1-based.
    segment: usize,
    segments: usize,
    transactional: bool,
}

/// Whether `err` means the session is gone: the client saw the connection close, the server
/// ended the session (a `FATAL` error such as `pg_terminate_backend`'s 57P01), or a connection
/// exception (class 08).
fn connection_lost(client: &Client, err: &tokio_postgres::Error) -> bool {
    if err.is_closed() || client.is_closed() {
        return true;
    }
    match err.as_db_error() {
        Some(db) => {
            matches!(db.severity(), "FATAL" | "PANIC")
                || db.code().code().starts_with("08")
                || [
                    SqlState::ADMIN_SHUTDOWN,
                    SqlState::CRASH_SHUTDOWN,
                    SqlState::CANNOT_CONNECT_NOW,
                ]
                .contains(db.code())
        }
        // Not an error the server reported: I/O, the connection task gone.
        None => is_io(err),
    }
}

/// Whether the error comes from the socket rather than from decoding a value.
fn is_io(err: &tokio_postgres::Error) -> bool {
    let mut source = std::error::Error::source(err);
    while let Some(e) = source {
        if e.is::<std::io::Error>() {
            return true;
        }
        source = e.source();
    }
    false
}

/// PostgreSQL's message, SQLSTATE, detail and hint, or the client's message.
fn server_parts(
    err: &tokio_postgres::Error,
) -> (String, Option<String>, Option<String>, Option<String>) {
    match err.as_db_error() {
        Some(db) => (
            db.message().to_owned(),
            Some(db.code().code().to_owned()),
            db.detail().map(str::to_owned),
            db.hint().map(str::to_owned),
        ),
        None => (err.to_string(), None, None, None),
    }
}

fn database(action: String, err: &tokio_postgres::Error) -> RunError {
    let (message, code, _, _) = server_parts(err);
    RunError::Database {
        action,
        message,
        code,
    }
}

/// A segment count as the table's `integer`.
fn int(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}
