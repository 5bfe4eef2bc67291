//! The commands that work on the migration directory without a database: `init`, `revision`,
//! `merge`, `hash`, `history`, `heads`, `show`.
//!
//! New files are written whole or not at all: the text goes to a temporary file in the
//! migration directory, which is then renamed into place (never over an existing file), and
//! `retort.sum` is replaced the same way.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;
use retort_migrate::config::{CONFIG_FILE, DEFAULT_CONFIG};
use retort_migrate::file::{NewFile, new_id, slug, timestamps, valid_id};
use retort_migrate::history::SUM_FILE;
use retort_migrate::sum::Sums;
use retort_migrate::{History, Revision};
use retort_plan::{Hazard, Plan};

use crate::project::{Project, ProjectArgs};
use crate::report::{InputError, one_line};

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The directory to create the project in.
    #[arg(default_value = ".")]
    dir: std::path::PathBuf,
}

/// `retort init`: `retort.toml`, `schema/` and `migrations/`, refusing to overwrite any.
pub fn init(args: InitArgs) -> anyhow::Result<()> {
    let dir = &args.dir;
    let config = dir.join(CONFIG_FILE);
    let schema = dir.join("schema");
    let migrations = dir.join("migrations");
    let existing: Vec<String> = [&config, &schema, &migrations]
        .iter()
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(InputError(format!(
            "{} already exist(s): init creates a project and never overwrites one",
            existing.join(", ")
        ))
        .into());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    write_new(&config, DEFAULT_CONFIG)?;
    std::fs::create_dir(&schema).with_context(|| format!("creating {}", schema.display()))?;
    std::fs::create_dir(&migrations)
        .with_context(|| format!("creating {}", migrations.display()))?;
    write_new(&migrations.join(SUM_FILE), &Sums::default().render())?;
    let shown = |name: &str| crate::project::shown(dir, name);
    crate::report::write_stdout(&format!(
        "created {}, {}/ and {}/\nnext: declare tables in {}/*.sql (or *.toml), then run \
         `retort revision -m \"first revision\"`\n",
        shown(CONFIG_FILE),
        shown("schema"),
        shown("migrations"),
        shown("schema")
    ))
}

#[derive(Debug, clap::Args)]
pub struct RevisionArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// What the revision does, for its header and its file name.
    #[arg(short, long)]
    message: String,
    /// Write a revision with empty sections to fill in by hand, without comparing anything.
    #[arg(long)]
    empty: bool,
    /// Read the current state from the live database instead of the migration history.
    #[arg(long)]
    from_database: bool,
    /// The database for --from-database (default: the variable `url_env` of retort.toml names,
    /// from the environment or .env).
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// Development database: replay the migrations and read the schema files exactly in
    /// scratch databases on it. Defaults to $RETORT_DEV_URL; without either, both are read
    /// offline.
    #[arg(long = "dev-url", value_name = "URL")]
    dev_url: Option<String>,
    /// Hazards to accept (comma-separated): revisions with data-loss steps are refused unless
    /// it is listed.
    #[arg(long = "allow-hazards", value_name = "HAZARD", value_delimiter = ',')]
    allow_hazards: Vec<Hazard>,
    /// The new revision's id (letters, digits, _) instead of one derived from its contents.
    #[arg(long = "rev-id", value_name = "ID")]
    rev_id: Option<String>,
    /// Build new indexes on existing tables with CREATE INDEX CONCURRENTLY, after the
    /// revision's transaction (also `concurrent_indexes = true` in retort.toml).
    #[arg(long)]
    concurrent_indexes: bool,
}

/// `retort revision -m MSG`.
pub async fn revision(args: RevisionArgs) -> anyhow::Result<()> {
    let project = Project::open(&args.project)?;
    let history = project.history()?;
    let head = history.head()?.map(|r| r.id.clone());
    let parents: Vec<String> = head.iter().cloned().collect();
    let (up, down, summary, hazards) = if args.empty {
        (String::new(), String::new(), Vec::new(), Vec::new())
    } else {
        let dev_url = args.dev_url.as_deref();
        let current = if args.from_database {
            let url = project.database_url(args.database_url.as_deref())?;
            project.database_catalog(&url).await?
        } else {
            project
                .head_catalog(&history, head.as_deref(), dev_url)
                .await?
        };
        let desired = project.desired(dev_url).await?;
        let hints = &desired.hints;
        let new = &desired.introspection.catalog;
        let options = retort_plan::PlanOptions {
            concurrent_indexes: args.concurrent_indexes || project.config.concurrent_indexes,
        };
        let plan = retort_plan::plan_with(&current, new, hints, &options)
            .context("planning the revision")?;
        if plan.segments.iter().all(|s| s.steps.is_empty()) {
            return Err(anyhow::anyhow!(
                "no changes: the schema matches the migration history{}; pass --empty to write \
                 a revision by hand",
                if args.from_database {
                    " (read from the database)"
                } else {
                    ""
                }
            ));
        }
        let allowed: BTreeSet<Hazard> = args.allow_hazards.iter().copied().collect();
        crate::cmd::diff::refuse(&plan, &allowed, "the revision", "write it")?;
        let down = retort_plan::plan_down_with(&current, new, hints, &options)
            .context("planning the revision's down section")?;
        (
            plan.to_sql(),
            down.to_sql(),
            summary_lines(&plan),
            hazard_lines(&plan),
        )
    };
    let (created, stamp) = now()?;
    let id = match args.rev_id {
        Some(id) if valid_id(&id) => id,
        Some(id) => {
            return Err(InputError(format!(
                "--rev-id {id:?} is not valid: letters, digits and _, and not base, head or heads"
            ))
            .into());
        }
        None => new_id(&parents, &args.message, &created, &up),
    };
    if history.get(&id).is_some() {
        return Err(InputError(format!("revision {id} exists already")).into());
    }
    let file = NewFile {
        id: id.clone(),
        parents,
        message: args.message.clone(),
        created,
        hazards,
        up,
        down,
    };
    let name = project.config.file_name(&stamp, &id, &slug(&args.message));
    let shown = write_revision(&project, &name, &file.render())?;
    let mut out = format!("wrote {shown}\n");
    if summary.is_empty() {
        out.push_str("  (empty: write its up and down sections, then run `retort hash`)\n");
    }
    for line in summary {
        out.push_str("  ");
        out.push_str(&line);
        out.push('\n');
    }
    crate::report::write_stdout(&out)
}

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// What the merge joins.
    #[arg(short, long, default_value = "merge heads")]
    message: String,
    /// The new revision's id instead of one derived from its contents.
    #[arg(long = "rev-id", value_name = "ID")]
    rev_id: Option<String>,
}

/// `retort merge`: a revision that follows every head, with empty sections.
pub fn merge(args: MergeArgs) -> anyhow::Result<()> {
    let project = Project::open(&args.project)?;
    let history = project.history()?;
    let heads: Vec<String> = history.heads().iter().map(|r| r.id.clone()).collect();
    if heads.len() < 2 {
        return Err(InputError(format!(
            "nothing to merge: the history has {} head(s)",
            heads.len()
        ))
        .into());
    }
    // The branches together must still replay: two branches that add the same object clash.
    let all: Vec<&Revision> = history.revisions.iter().collect();
    if let Err(e) = retort_migrate::replay::offline(all) {
        eprintln!("warning: the branches together do not replay offline: {e}");
    }
    let (created, stamp) = now()?;
    let id = match args.rev_id {
        Some(id) if valid_id(&id) => id,
        Some(id) => return Err(InputError(format!("--rev-id {id:?} is not valid")).into()),
        None => new_id(&heads, &args.message, &created, ""),
    };
    let file = NewFile {
        id: id.clone(),
        parents: heads.clone(),
        message: args.message.clone(),
        created,
        ..NewFile::default()
    };
    let name = project.config.file_name(&stamp, &id, &slug(&args.message));
    let shown = write_revision(&project, &name, &file.render())?;
    crate::report::write_stdout(&format!("wrote {shown}\n  merges {}\n", heads.join(", ")))
}

#[derive(Debug, clap::Args)]
pub struct HashArgs {
    #[command(flatten)]
    project: ProjectArgs,
}

/// `retort hash`: writes `retort.sum` for the migration files as they are.
pub fn hash(args: HashArgs) -> anyhow::Result<()> {
    let project = Project::open(&args.project)?;
    let dir = project.config.migrations_dir();
    let sums = Sums::of_dir(&dir).with_context(|| format!("reading {}", dir.display()))?;
    // The files must still read as migrations before their sums are accepted.
    History::read(&dir, &project.migrations_shown())?;
    replace(&dir.join(SUM_FILE), &sums.render())?;
    crate::report::write_stdout(&format!(
        "wrote {}/{SUM_FILE} ({} file(s))\n",
        project.migrations_shown(),
        sums.files.len()
    ))
}

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// Every field of each revision.
    #[arg(short, long)]
    verbose: bool,
}

/// `retort history`: newest first.
pub fn history(args: HistoryArgs) -> anyhow::Result<()> {
    let project = Project::open(&args.project)?;
    let history = project.history()?;
    let heads: BTreeSet<String> = history.heads().iter().map(|r| r.id.clone()).collect();
    let mut out = String::new();
    for revision in history.revisions.iter().rev() {
        if args.verbose {
            out.push_str(&verbose(revision, heads.contains(&revision.id)));
            out.push('\n');
        } else {
            out.push_str(&brief(revision, heads.contains(&revision.id)));
            out.push('\n');
        }
    }
    if history.is_empty() {
        out.push_str("(no revision yet)\n");
    }
    crate::report::write_stdout(&out)
}

#[derive(Debug, clap::Args)]
pub struct HeadsArgs {
    #[command(flatten)]
    project: ProjectArgs,
}

/// `retort heads`.
pub fn heads(args: HeadsArgs) -> anyhow::Result<()> {
    let project = Project::open(&args.project)?;
    let history = project.history()?;
    let out: String = history
        .heads()
        .iter()
        .map(|r| format!("{} (head), {}\n", r.id, r.message))
        .collect();
    crate::report::write_stdout(&out)
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// A revision id, an unambiguous prefix of one, or `head`.
    revision: String,
}

/// `retort show REV`: the revision's fields, then its file.
pub fn show(args: ShowArgs) -> anyhow::Result<()> {
    let project = Project::open(&args.project)?;
    let history = project.history()?;
    let Some(revision) = history.resolve(&args.revision)? else {
        return Err(InputError("base is not a revision".to_owned()).into());
    };
    let is_head = history.heads().iter().any(|h| h.id == revision.id);
    let mut out = verbose(revision, is_head);
    out.push('\n');
    out.push_str(&revision.text);
    crate::report::write_stdout(&out)
}

/// `parent -> id (head), message`, as Alembic's history prints it.
fn brief(revision: &Revision, head: bool) -> String {
    let parents = if revision.parents.is_empty() {
        "<base>".to_owned()
    } else {
        revision.parents.join(", ")
    };
    format!(
        "{parents} -> {}{}, {}",
        revision.id,
        if head { " (head)" } else { "" },
        one_line(&revision.message)
    )
}

fn verbose(revision: &Revision, head: bool) -> String {
    let parents = if revision.parents.is_empty() {
        "<base>".to_owned()
    } else {
        revision.parents.join(", ")
    };
    let statements = |script: &retort_migrate::Script| script.statements().count();
    format!(
        "Revision: {}{}\nParent: {parents}\nPath: {}\nCreated: {}\nStatements: {} up, {} down\n\n    {}\n",
        revision.id,
        if head { " (head)" } else { "" },
        revision.file,
        revision.created,
        statements(&revision.up),
        statements(&revision.down),
        one_line(&revision.message)
    )
}

/// One line per step: what it does.
fn summary_lines(plan: &Plan) -> Vec<String> {
    plan.segments
        .iter()
        .flat_map(|s| s.steps.iter())
        .map(|step| one_line(&step.cause.summary))
        .collect()
}

/// One line per hazard: `data-loss: drop column public.users.status: …`.
fn hazard_lines(plan: &Plan) -> Vec<String> {
    plan.segments
        .iter()
        .flat_map(|s| s.steps.iter())
        .flat_map(|step| {
            step.hazards.iter().map(move |h| {
                format!(
                    "{}: {}: {}",
                    h.hazard,
                    one_line(&step.cause.summary),
                    one_line(&h.detail)
                )
            })
        })
        .collect()
}

/// Now, as `created` and `{timestamp}`: `SOURCE_DATE_EPOCH` when set (reproducible output),
/// else the clock.
fn now() -> anyhow::Result<(String, String)> {
    let seconds = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) if !text.trim().is_empty() => text
            .trim()
            .parse::<i64>()
            .map_err(|_| InputError(format!("SOURCE_DATE_EPOCH {text:?} is not a number")))?,
        _ => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0),
    };
    timestamps(seconds).ok_or_else(|| anyhow::anyhow!("the time {seconds} is out of range"))
}

/// Writes a new migration file and the integrity file with it; returns how it is shown.
fn write_revision(project: &Project, name: &str, text: &str) -> anyhow::Result<String> {
    let dir = project.config.migrations_dir();
    let path = dir.join(name);
    let shown = format!("{}/{name}", project.migrations_shown());
    if path.exists() {
        return Err(InputError(format!("{shown} exists already")).into());
    }
    // The new file must read back as the revision it is meant to be.
    Revision::parse(&shown, text).context("the new migration file does not read back")?;
    let mut sums = Sums::of_dir(&dir).with_context(|| format!("reading {}", dir.display()))?;
    sums.files.insert(
        name.to_owned(),
        retort_migrate::file::checksum(text.as_bytes()),
    );
    write_new(&path, text)?;
    if let Err(e) = replace(&dir.join(SUM_FILE), &sums.render()) {
        // Leave no file that the integrity file does not list.
        let _ = std::fs::remove_file(&path);
        return Err(e);
    }
    Ok(shown)
}

/// Writes `text` to `path`, which must not exist, all at once.
fn write_new(path: &Path, text: &str) -> anyhow::Result<()> {
    let temp = temp_beside(path, text)?;
    temp.persist_noclobber(path)
        .map_err(|e| e.error)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Replaces `path` with `text` all at once.
fn replace(path: &Path, text: &str) -> anyhow::Result<()> {
    let temp = temp_beside(path, text)?;
    temp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn temp_beside(path: &Path, text: &str) -> anyhow::Result<tempfile::NamedTempFile> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".retort-")
        .tempfile_in(dir)
        .with_context(|| format!("writing in {}", dir.display()))?;
    temp.write_all(text.as_bytes())
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(temp)
}
