//! `retort check`: drift detection for CI and before deploys.
//!
//! What is compared, by flags:
//!
//! | flags | actual | expected | question |
//! | --- | --- | --- | --- |
//! | (none) | the migration history's head (offline) | `schema/` | was the schema edited without a revision? |
//! | `--database` | the live database | `schema/` | does the database match the declared schema? |
//! | `--database --history` | the live database | the history's head, and every revision applied | is the database at head and untouched by hand? |
//!
//! Exit codes: 0 no drift, 1 drift, 2 an error (bad input, unreachable database); the report
//! goes to standard output in the chosen format.

use std::collections::BTreeSet;
use std::io::IsTerminal as _;
use std::process::ExitCode;

use anyhow::Context as _;
use retort_catalog::{Catalog, RenameHints};
use retort_migrate::runner::{State, read_applied};

use crate::drift::{DriftReport, RevisionDrift, RevisionDriftKind};
use crate::project::{Project, ProjectArgs};

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// Check the live database (the URL from the variable `url_env` of retort.toml names, from
    /// the environment or .env).
    #[arg(long)]
    database: bool,
    /// Check this database (implies --database).
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// With a database: compare it with the migration history's head instead of schema/, and
    /// require every revision of the history to be applied from its current file.
    #[arg(long)]
    history: bool,
    /// Development database: replay the migrations and read the schema exactly in scratch
    /// databases on it (default $RETORT_DEV_URL; without either, offline).
    #[arg(long = "dev-url", value_name = "URL")]
    dev_url: Option<String>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// When to color the human report.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// A summary object by object, definition diffs, the SQL that fixes it.
    Human,
    /// The same content as JSON.
    Json,
    /// GitHub Actions annotations.
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Color {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    Always,
    Never,
}

/// Exit code of a check that found drift.
const EXIT_DRIFT: u8 = 1;

pub async fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let project = Project::open(&args.project)?;
    let history = project.history()?;
    let head = history.head()?.map(|r| r.id.clone());
    let dev_url = args.dev_url.as_deref();
    let database = args.database || args.database_url.is_some();
    if args.history && !database {
        return Err(crate::report::InputError(
            "--history compares a database with the history: pass --database or --database-url"
                .to_owned(),
        )
        .into());
    }
    let head_name = match &head {
        Some(head) => format!("the migration history (head {head})"),
        None => "the migration history (no revision)".to_owned(),
    };
    let schema_name = project
        .config
        .schema
        .iter()
        .map(|s| crate::project::shown(&project.config.root, s))
        .collect::<Vec<_>>()
        .join(", ");

    let mut revisions = Vec::new();
    let (actual_name, actual, expected_name, expected, hints): (
        String,
        Catalog,
        String,
        Catalog,
        RenameHints,
    ) = if database {
        let url = project.database_url(args.database_url.as_deref())?;
        let actual = project.database_catalog(&url).await?;
        let actual_name = format!("database {}", url.database());
        if args.history {
            let client = project.connect(&url).await?;
            let rows = read_applied(&client, &project.version_table)
                .await?
                .unwrap_or_default();
            revisions = revision_drift(&history, head.as_deref(), &rows);
            let expected = project
                .head_catalog(&history, head.as_deref(), dev_url)
                .await?;
            (
                actual_name,
                actual,
                head_name,
                expected,
                RenameHints::default(),
            )
        } else {
            let declared = project.desired(dev_url).await?;
            (
                actual_name,
                actual,
                schema_name,
                declared.introspection.catalog,
                declared.hints,
            )
        }
    } else {
        let actual = project
            .head_catalog(&history, head.as_deref(), dev_url)
            .await?;
        let declared = project.desired(dev_url).await?;
        (
            head_name,
            actual,
            schema_name,
            declared.introspection.catalog,
            declared.hints,
        )
    };

    let diff = retort_diff::diff(&actual, &expected, &hints);
    let fix = if diff.changes.is_empty() && diff.renames.is_empty() {
        String::new()
    } else {
        retort_plan::plan(&actual, &expected, &hints)
            .context("planning the fix")?
            .to_sql()
    };
    let report = DriftReport::new(&actual_name, &expected_name, &diff, &expected, &fix)
        .with_revisions(revisions);
    let text = match args.format {
        Format::Human => crate::drift::render_human(&report, use_color(args.color)),
        Format::Json => crate::drift::render_json(&report),
        Format::Github => crate::drift::render_github(&report),
    };
    crate::report::write_stdout(&text)?;
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_DRIFT)
    })
}

fn use_color(color: Color) -> bool {
    match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// The revisions whose record in the version table differs from the history up to `head`.
fn revision_drift(
    history: &retort_migrate::History,
    head: Option<&str>,
    rows: &[retort_migrate::runner::Applied],
) -> Vec<RevisionDrift> {
    let mut out = Vec::new();
    let recorded: BTreeSet<&str> = rows.iter().map(|r| r.revision.as_str()).collect();
    for row in rows {
        match history.get(&row.revision) {
            None => out.push(RevisionDrift {
                kind: RevisionDriftKind::Unknown,
                revision: row.revision.clone(),
                file: None,
            }),
            Some(revision) if row.state != State::Applied => out.push(RevisionDrift {
                kind: RevisionDriftKind::PartlyApplied,
                revision: row.revision.clone(),
                file: Some(revision.file.clone()),
            }),
            Some(revision) if row.checksum != revision.checksum => out.push(RevisionDrift {
                kind: RevisionDriftKind::Edited,
                revision: row.revision.clone(),
                file: Some(revision.file.clone()),
            }),
            Some(_) => {}
        }
    }
    if let Some(head) = head {
        for revision in history.ancestry(head) {
            if !recorded.contains(revision.id.as_str()) {
                out.push(RevisionDrift {
                    kind: RevisionDriftKind::NotApplied,
                    revision: revision.id.clone(),
                    file: Some(revision.file.clone()),
                });
            }
        }
    }
    out
}
