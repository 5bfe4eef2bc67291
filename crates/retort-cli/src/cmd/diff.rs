//! `retort diff --from SRC --to SRC`: the migration that takes one schema to another, as a
//! script or as the plan in JSON.
//!
//! Each side is a database or declared schema files ([`Source`]). The rename hints come from
//! the `--to` side (the declared, new schema). Steps that lose data are refused unless
//! `--allow-hazards data-loss` allows them: then nothing is printed on stdout and each refused
//! step is named on stderr (exit 1).

use std::collections::BTreeSet;

use anyhow::Context as _;
use retort_introspect::{IntrospectOptions, Introspection};
use retort_plan::{Hazard, Plan};

use crate::report::{InputError, one_line};
use crate::source::{Read, Source};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The schema migrated from: a PostgreSQL URL (postgres://user:password@host:port/dbname),
    /// or a schema file or directory (*.sql, *.toml). Command lines are visible to other
    /// users: avoid passwords in them where the server allows.
    #[arg(long, value_name = "URL|PATH")]
    from: String,
    /// The schema migrated to: a PostgreSQL URL, or a schema file or directory. Its declared
    /// renames guide the plan.
    #[arg(long, value_name = "URL|PATH")]
    to: String,
    /// Development database for reading schema files exactly (see `retort inspect --help`).
    /// Defaults to $RETORT_DEV_URL; without either, schema files are read offline.
    #[arg(long = "dev-url", value_name = "URL")]
    dev_url: Option<String>,
    /// Compare only this schema (repeatable), on both sides; by default every schema except
    /// the system ones.
    #[arg(long = "schema", value_name = "NAME")]
    schemas: Vec<String>,
    /// Leave this schema out on both sides (repeatable).
    #[arg(long = "exclude-schema", value_name = "NAME")]
    exclude_schemas: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Sql)]
    format: Format,
    /// Print the reverse migration instead: from --to back to --from.
    #[arg(long)]
    down: bool,
    /// Hazards to accept (comma-separated, repeatable): data-loss, table-rewrite,
    /// access-exclusive-lock, index-build, not-transactional. Plans with data-loss steps are
    /// refused unless it is listed.
    #[arg(long = "allow-hazards", value_name = "HAZARD", value_delimiter = ',')]
    allow_hazards: Vec<Hazard>,
    /// Leave out objects retort cannot represent, with a warning each, instead of failing.
    #[arg(long)]
    allow_unsupported: bool,
    /// Build new indexes on existing tables with CREATE INDEX CONCURRENTLY, after the main
    /// transaction.
    #[arg(long)]
    concurrent_indexes: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// The migration script.
    Sql,
    /// The plan (segments, steps, causes, hazards) as JSON.
    Json,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let from = Source::parse(&args.from).context("--from")?;
    let to = Source::parse(&args.to).context("--to")?;
    let options = IntrospectOptions {
        include_schemas: args.schemas,
        exclude_schemas: args.exclude_schemas,
    };
    let dev_url = args.dev_url.as_deref();
    let old = from.read(dev_url, &options).await.context("--from")?;
    check_unsupported(&from, &old.introspection, args.allow_unsupported)?;
    let new = to.read(dev_url, &options).await.context("--to")?;
    check_unsupported(&to, &new.introspection, args.allow_unsupported)?;
    // The old side's hints do not matter: renames are declared by the schema migrated to.
    let Read { hints, .. } = &new;
    let (old, new) = (&old.introspection.catalog, &new.introspection.catalog);

    let options = retort_plan::PlanOptions {
        concurrent_indexes: args.concurrent_indexes,
    };
    let plan = if args.down {
        retort_plan::plan_down_with(old, new, hints, &options)
            .context("planning the down migration")?
    } else {
        retort_plan::plan_with(old, new, hints, &options).context("planning the migration")?
    };

    let allowed: BTreeSet<Hazard> = args.allow_hazards.into_iter().collect();
    refuse_hazards(&plan, &allowed, args.down)?;

    let text = render(&plan, args.format)?;
    crate::report::write_stdout(&text)
}

/// Fails when a side read from a database holds objects retort cannot represent, unless
/// `allow`; then each is a warning.
fn check_unsupported(
    source: &Source,
    introspection: &Introspection,
    allow: bool,
) -> anyhow::Result<()> {
    let unsupported = &introspection.unsupported;
    if unsupported.is_empty() {
        return Ok(());
    }
    if allow {
        for object in unsupported {
            eprintln!(
                "warning: left out {} {} of {source}: not supported",
                object.kind, object.name
            );
        }
        return Ok(());
    }
    const SHOWN: usize = 10;
    let mut names: Vec<String> = unsupported
        .iter()
        .take(SHOWN)
        .map(|object| format!("{} {}", object.kind, object.name))
        .collect();
    if unsupported.len() > SHOWN {
        names.push(format!("and {} more", unsupported.len() - SHOWN));
    }
    Err(InputError(format!(
        "{source} has {} object(s) retort cannot represent: {} \
         (pass --allow-unsupported to leave them out)",
        unsupported.len(),
        names.join(", ")
    ))
    .into())
}

/// Names each step with a hazard that is not allowed on stderr, then fails (exit 1).
fn refuse_hazards(plan: &Plan, allowed: &BTreeSet<Hazard>, down: bool) -> anyhow::Result<()> {
    let which = if down {
        "the down migration"
    } else {
        "the migration"
    };
    refuse(plan, allowed, which, "print it")
}

/// Names each step with a hazard that is not allowed on stderr, then fails (exit 1): `which`
/// names the plan, `verb` what allowing does (`print it`).
pub(crate) fn refuse(
    plan: &Plan,
    allowed: &BTreeSet<Hazard>,
    which: &str,
    verb: &str,
) -> anyhow::Result<()> {
    let refused = plan.refused(allowed);
    if refused.is_empty() {
        return Ok(());
    }
    let mut hazards = BTreeSet::new();
    let mut steps: Vec<&retort_plan::Step> = Vec::new();
    for &(step, note) in &refused {
        eprintln!(
            "refused: {}: {} {}",
            one_line(&step.cause.summary),
            note.hazard,
            one_line(&note.detail)
        );
        hazards.insert(note.hazard);
        if !steps.iter().any(|s| std::ptr::eq(*s, step)) {
            steps.push(step);
        }
    }
    let names: Vec<&str> = hazards.iter().map(|h| h.as_str()).collect();
    let names = names.join(",");
    Err(anyhow::anyhow!(
        "{which} has {} step(s) with hazards not allowed ({names}); review them and pass \
         --allow-hazards {names} to {verb}",
        steps.len()
    ))
}

/// The whole output, built before anything is written. An empty plan is no SQL at all; in
/// JSON it is still a plan (with no segments), so the output always parses.
fn render(plan: &Plan, format: Format) -> anyhow::Result<String> {
    let mut text = match format {
        Format::Sql => plan.to_sql(),
        Format::Json => serde_json::to_string_pretty(plan).context("rendering the plan as JSON")?,
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use retort_catalog::{Ident, ObjectId};
    use retort_plan::{Cause, ChangeKind, HazardNote, Segment, Step};

    fn plan_dropping_a_column() -> Plan {
        let step = |summary: &str, hazards: Vec<HazardNote>| Step {
            statements: vec![format!("-- {summary}")],
            cause: Cause {
                change: ChangeKind::Drop,
                object: ObjectId::Schema {
                    name: Ident::new("public"),
                },
                summary: summary.to_owned(),
            },
            hazards,
        };
        Plan {
            segments: vec![Segment {
                transactional: true,
                settings: Vec::new(),
                steps: vec![
                    step("create index public.i", Vec::new()),
                    step(
                        "drop column public.users.status",
                        vec![
                            HazardNote {
                                hazard: Hazard::AccessExclusiveLock,
                                detail: "locks public.users".to_owned(),
                            },
                            HazardNote {
                                hazard: Hazard::DataLoss,
                                detail: "drops column public.users.status and its data".to_owned(),
                            },
                        ],
                    ),
                ],
            }],
        }
    }

    #[test]
    fn data_loss_is_refused_unless_allowed() {
        let plan = plan_dropping_a_column();
        let only_locks = BTreeSet::from([Hazard::AccessExclusiveLock]);
        let err = match refuse_hazards(&plan, &only_locks, false) {
            Ok(()) => panic!("data loss was not refused"),
            Err(e) => e.to_string(),
        };
        assert_eq!(
            err,
            "the migration has 1 step(s) with hazards not allowed (data-loss); review them and \
             pass --allow-hazards data-loss to print it"
        );
        assert_eq!(crate::report::exit_code(&anyhow::anyhow!(err)), 1);
        let err = refuse_hazards(&plan, &BTreeSet::new(), true).map_err(|e| e.to_string());
        assert!(
            matches!(&err, Err(e) if e.starts_with("the down migration has 1 step(s)")),
            "{err:?}"
        );
        assert!(refuse_hazards(&plan, &BTreeSet::from([Hazard::DataLoss]), false).is_ok());
        assert!(refuse_hazards(&Plan::default(), &BTreeSet::new(), false).is_ok());
    }

    #[test]
    fn outputs() {
        let empty = Plan::default();
        assert_eq!(render(&empty, Format::Sql).ok().as_deref(), Some(""));
        let json = render(&empty, Format::Json).unwrap_or_default();
        assert!(json.ends_with("}\n"), "{json:?}");
        let value: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(value["segments"], serde_json::json!([]));

        let plan = plan_dropping_a_column();
        let sql = render(&plan, Format::Sql).unwrap_or_default();
        assert!(
            sql.contains("-- drop column public.users.status\n"),
            "{sql}"
        );
        assert!(sql.ends_with('\n'));
    }
}
