//! The commands that run the history against a database: `upgrade`, `downgrade`, `current`,
//! `stamp`.
//!
//! Before anything runs, the migration directory is checked against `retort.sum`, then the
//! runner takes the version table's advisory lock and reads what is applied: two runners take
//! turns, and the second finds the first one's work done. An applied revision whose file has
//! changed since is refused unless `--ignore-checksums`.

use std::collections::BTreeSet;

use retort_migrate::runner::{Applied, Direction, Runner, State, read_applied};
use retort_migrate::{History, Revision};

use crate::project::{Project, ProjectArgs, applied_ids};
use crate::report::InputError;

#[derive(Debug, clap::Args)]
pub struct UpgradeArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// Where to: `head`, a revision (id or unambiguous prefix), or `+N` for the next N.
    /// With --sql, `FROM:TO` prints the SQL between two revisions without connecting.
    #[arg(default_value = "head")]
    target: String,
    /// Print the SQL that would run instead of running it.
    #[arg(long)]
    sql: bool,
    /// Run even when applied revisions' files have changed since.
    #[arg(long)]
    ignore_checksums: bool,
    /// The database (default: the variable `url_env` of retort.toml names, from the
    /// environment or .env).
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct DowngradeArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// Where to: `-N` for N revisions back, a revision (id or unambiguous prefix) to keep, or
    /// `base` to undo every revision. With --sql, `FROM:TO` prints the SQL between two
    /// revisions without connecting.
    #[arg(allow_hyphen_values = true)]
    target: String,
    /// Print the SQL that would run instead of running it.
    #[arg(long)]
    sql: bool,
    /// Run even when applied revisions' files have changed since.
    #[arg(long)]
    ignore_checksums: bool,
    /// The database.
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
}

/// `retort upgrade [TARGET]`.
pub async fn upgrade(args: UpgradeArgs) -> anyhow::Result<()> {
    migrate(Request {
        project: &args.project,
        direction: Direction::Up,
        target: &args.target,
        sql: args.sql,
        ignore_checksums: args.ignore_checksums,
        database_url: args.database_url.as_deref(),
    })
    .await
}

/// `retort downgrade TARGET`.
pub async fn downgrade(args: DowngradeArgs) -> anyhow::Result<()> {
    migrate(Request {
        project: &args.project,
        direction: Direction::Down,
        target: &args.target,
        sql: args.sql,
        ignore_checksums: args.ignore_checksums,
        database_url: args.database_url.as_deref(),
    })
    .await
}

/// What `upgrade` or `downgrade` was asked.
struct Request<'a> {
    project: &'a ProjectArgs,
    direction: Direction,
    target: &'a str,
    sql: bool,
    ignore_checksums: bool,
    database_url: Option<&'a str>,
}

/// The revisions to run towards `target` given what is applied: for up, `+N` or the target's
/// ancestry; for down, `-N` or everything outside the ancestry of the revision kept.
fn select<'h>(
    history: &'h History,
    direction: Direction,
    target: &str,
    applied: &BTreeSet<String>,
) -> anyhow::Result<Vec<&'h Revision>> {
    Ok(match direction {
        Direction::Up => match target.strip_prefix('+') {
            Some(n) => history.next_n(count(n, "+N")?, applied)?,
            None => match history.resolve(target)? {
                Some(target) => history.to_apply(&target.id, applied),
                None => Vec::new(),
            },
        },
        Direction::Down => match target.strip_prefix('-') {
            Some(n) => history.last_n(count(n, "-N")?, applied),
            None => {
                let keep = resolve_id(history, target)?;
                history.to_revert(keep.as_deref(), applied)
            }
        },
    })
}

async fn migrate(request: Request<'_>) -> anyhow::Result<()> {
    let direction = request.direction;
    let project = Project::open(request.project)?;
    let history = project.history()?;
    if request.sql {
        // `FROM:TO` says what is applied; without a database, nothing is.
        let offline = match request.target.split_once(':') {
            Some((from, to)) => Some((applied_before(&history, from)?, to)),
            None if !project.has_database_url(request.database_url)? => {
                eprintln!("note: no database configured: printing the SQL from base");
                Some((BTreeSet::new(), request.target))
            }
            None => None,
        };
        if let Some((applied, target)) = offline {
            let revisions = select(&history, direction, target, &applied)?;
            return print_sql(&project, &revisions, direction);
        }
    }
    let url = project.database_url(request.database_url)?;
    let client = project.connect(&url).await?;
    let runner = lock(&project, &client).await?;
    let result = async {
        let rows = runner.applied().await?;
        check_rows(&history, &rows, request.ignore_checksums)?;
        if direction == Direction::Down
            && let Some(partial) = rows.iter().find(|r| r.state != State::Applied)
        {
            return Err(InputError(format!(
                "revision {} is partly run ({}, {} of {} segments): run `retort upgrade` to \
                 finish it first",
                partial.revision, partial.state, partial.segments_done, partial.segments_total
            ))
            .into());
        }
        let revisions = select(&history, direction, request.target, &applied_ids(&rows))?;
        if request.sql {
            return print_sql(&project, &revisions, direction).map(|()| None);
        }
        for revision in &revisions {
            eprintln!(
                "{} {} ({}): {}",
                direction.gerund(),
                revision.id,
                revision.file,
                revision.message
            );
            runner.apply(revision, direction).await?;
        }
        Ok::<_, anyhow::Error>(Some(revisions.len()))
    }
    .await;
    finish(runner, &url, &history, result, &direction.to_string()).await
}

#[derive(Debug, clap::Args)]
pub struct CurrentArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// The database.
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
}

/// `retort current`: what the database is at. Read-only: creates nothing.
pub async fn current(args: CurrentArgs) -> anyhow::Result<()> {
    let project = Project::open(&args.project)?;
    let history = project.history()?;
    let url = project.database_url(args.database_url.as_deref())?;
    let client = project.connect(&url).await?;
    let rows = read_applied(&client, &project.version_table)
        .await?
        .unwrap_or_default();
    crate::report::write_stdout(&describe_current(&history, &rows))
}

#[derive(Debug, clap::Args)]
pub struct StampArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// The revision the database is at (id, prefix, `head` or `base`): recorded without
    /// running anything.
    target: String,
    /// The database.
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
}

/// `retort stamp REV`: the version table records exactly REV and what it follows.
pub async fn stamp(args: StampArgs) -> anyhow::Result<()> {
    let project = Project::open(&args.project)?;
    let history = project.history()?;
    let target = resolve_id(&history, &args.target)?;
    let url = project.database_url(args.database_url.as_deref())?;
    let client = project.connect(&url).await?;
    let runner = lock(&project, &client).await?;
    let result = async {
        let rows = runner.applied().await?;
        let keep: BTreeSet<String> = match &target {
            Some(t) => history
                .ancestry(t)
                .into_iter()
                .map(|r| r.id.clone())
                .collect(),
            None => BTreeSet::new(),
        };
        for row in rows.iter().rev() {
            if !keep.contains(&row.revision) {
                runner.unstamp(&row.revision).await?;
            }
        }
        let applied = applied_ids(&rows);
        if let Some(t) = &target {
            for revision in history.ancestry(t) {
                if !applied.contains(&revision.id) {
                    runner.stamp(revision).await?;
                }
            }
        }
        Ok::<_, anyhow::Error>(Some(0))
    }
    .await;
    finish(runner, &url, &history, result, "stamp").await
}

async fn lock<'c>(
    project: &Project,
    client: &'c tokio_postgres::Client,
) -> anyhow::Result<Runner<'c>> {
    Ok(Runner::lock(client, project.version_table.clone(), || {
        eprintln!("waiting for another retort runner to finish...");
    })
    .await?)
}

/// Releases the lock whatever happened, then reports where the database is.
async fn finish(
    runner: Runner<'_>,
    url: &retort_introspect::conn::DatabaseUrl,
    history: &History,
    result: anyhow::Result<Option<usize>>,
    what: &str,
) -> anyhow::Result<()> {
    let rows = match &result {
        Ok(Some(_)) => Some(runner.applied().await),
        _ => None,
    };
    let unlocked = runner.unlock().await;
    let ran = result?;
    unlocked?;
    let (Some(ran), Some(rows)) = (ran, rows) else {
        return Ok(());
    };
    let rows = rows?;
    let at = describe_current(history, &rows);
    let done = match (what, ran) {
        ("stamp", _) => "stamped".to_owned(),
        (_, 0) => "nothing to run".to_owned(),
        (_, n) => format!("{n} revision(s) run"),
    };
    crate::report::write_stdout(&format!(
        "{what} of database {}: {done}\n{at}",
        url.database()
    ))
}

/// Refuses rows the files do not explain: revisions no file holds, and (unless `ignore`)
/// applied revisions whose file changed since.
fn check_rows(history: &History, rows: &[Applied], ignore: bool) -> anyhow::Result<()> {
    for row in rows {
        let Some(revision) = history.get(&row.revision) else {
            return Err(InputError(format!(
                "the database records revision {} that no migration file holds (a file \
                 deleted, or a revision of another branch); restore the file, or record \
                 the right state with `retort stamp`",
                row.revision
            ))
            .into());
        };
        if row.checksum != revision.checksum && !ignore && row.state == State::Applied {
            return Err(InputError(format!(
                "{} changed after revision {} was applied (recorded {}, file {}); restore the \
                 file, or pass --ignore-checksums to go on",
                revision.file, revision.id, row.checksum, revision.checksum
            ))
            .into());
        }
    }
    Ok(())
}

/// What the database is at: its applied heads, partial runs, and whether that is the head.
fn describe_current(history: &History, rows: &[Applied]) -> String {
    let applied = applied_ids(rows);
    let mut out = String::new();
    if applied.is_empty() && rows.is_empty() {
        out.push_str("base (no revision applied)\n");
    }
    // Applied revisions that no other applied revision follows.
    let followed: BTreeSet<&str> = history
        .revisions
        .iter()
        .filter(|r| applied.contains(&r.id))
        .flat_map(|r| r.parents.iter().map(String::as_str))
        .collect();
    let heads: BTreeSet<String> = history.heads().iter().map(|r| r.id.clone()).collect();
    for revision in history
        .revisions
        .iter()
        .filter(|r| applied.contains(&r.id) && !followed.contains(r.id.as_str()))
    {
        out.push_str(&format!(
            "{}{}, {}\n",
            revision.id,
            if heads.contains(&revision.id) {
                " (head)"
            } else {
                ""
            },
            revision.message
        ));
    }
    for row in rows.iter().filter(|r| r.state != State::Applied) {
        out.push_str(&format!(
            "{} partly run: {}, {} of {} segments done; `retort upgrade` finishes it\n",
            row.revision, row.state, row.segments_done, row.segments_total
        ));
    }
    for row in rows {
        if history.get(&row.revision).is_none() {
            out.push_str(&format!(
                "warning: revision {} is recorded as applied but no migration file holds it\n",
                row.revision
            ));
        }
        if let Some(revision) = history.get(&row.revision)
            && row.state == State::Applied
            && row.checksum != revision.checksum
        {
            out.push_str(&format!(
                "warning: {} changed after revision {} was applied\n",
                revision.file, revision.id
            ));
        }
    }
    if !applied.is_empty() && heads.iter().any(|h| !applied.contains(h)) {
        let pending = history
            .revisions
            .iter()
            .filter(|r| !applied.contains(&r.id))
            .count();
        out.push_str(&format!(
            "{pending} revision(s) not applied: `retort upgrade head` applies them\n"
        ));
    }
    out
}

/// A revision id from what the user wrote (`base` is `None`).
fn resolve_id(history: &History, spec: &str) -> anyhow::Result<Option<String>> {
    Ok(history.resolve(spec)?.map(|r| r.id.clone()))
}

/// The revisions applied when the database is at `from` (for `--sql FROM:TO`).
fn applied_before(history: &History, from: &str) -> anyhow::Result<BTreeSet<String>> {
    Ok(match resolve_id(history, from)? {
        Some(from) => history
            .ancestry(&from)
            .into_iter()
            .map(|r| r.id.clone())
            .collect(),
        None => BTreeSet::new(),
    })
}

fn count(text: &str, form: &str) -> anyhow::Result<usize> {
    text.parse::<usize>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            InputError(format!("{form}: expected a positive number, got {text:?}")).into()
        })
}

/// The SQL of `revisions` in `direction`, as psql would run it, with the version table's
/// bookkeeping.
fn print_sql(
    project: &Project,
    revisions: &[&Revision],
    direction: Direction,
) -> anyhow::Result<()> {
    let table = &project.version_table;
    let mut out = String::new();
    if revisions.is_empty() {
        out.push_str("-- nothing to run\n");
        return crate::report::write_stdout(&out);
    }
    out.push_str(&retort_migrate::offline::preamble(table));
    for revision in revisions {
        out.push('\n');
        out.push_str(&format!(
            "-- {} {} ({}): {}\n",
            direction,
            revision.id,
            revision.file,
            retort_migrate::file::one_line(&revision.message)
        ));
        out.push_str(&retort_migrate::offline::section_sql(
            table, revision, direction,
        ));
    }
    crate::report::write_stdout(&out)
}
