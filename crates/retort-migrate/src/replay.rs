//! The state a migration history produces, its head, computed without applying it to the
//! database that matters.
//!
//! - [`offline`] (the default): the up sections are replayed into an in-memory catalog by
//!   `retort_declare`'s loader, which applies DDL as the server would; statements that change
//!   data (`UPDATE`, `DO` blocks, …) are carried, not interpreted. DDL the loader cannot
//!   interpret is an error at its file and line that points to the exact mode.
//! - [`scratch_scripts`] (exact mode): the scripts that replay the same sections into a
//!   scratch database on a development server, segment by segment as the runner would.

use retort_catalog::Catalog;
use retort_declare::load::{Approximation, Loader};
use retort_declare::{FileKind, SchemaFile, SourceError};
use retort_introspect::scratch::Script as ScratchScript;

use crate::file::Revision;

/// The head of a history, replayed offline.
#[derive(Debug)]
pub struct Head {
    pub catalog: Catalog,
    /// Places where the catalog may differ from what the server would store.
    pub approximations: Vec<Approximation>,
    /// Statements carried without being interpreted (data changes, procedural blocks).
    pub carried: usize,
}

/// A migration the offline replay cannot read.
#[derive(Debug, thiserror::Error)]
#[error(
    "{0}; the offline replay of the migrations cannot read this: pass --dev-url (or set \
     RETORT_DEV_URL) to replay them in a scratch database"
)]
pub struct ReplayError(pub Box<SourceError>);

/// Replays the up sections of `revisions`, in order, into a catalog (of an empty database:
/// the `public` schema exists).
pub fn offline<'r>(revisions: impl IntoIterator<Item = &'r Revision>) -> Result<Head, ReplayError> {
    let mut loader = Loader::new();
    let mut carried = 0;
    for revision in revisions {
        loader.reset_session();
        let file = SchemaFile {
            path: revision.file.clone().into(),
            display: revision.file.clone(),
            kind: FileKind::Sql,
            text: revision.up_text().into(),
        };
        carried += loader
            .replay_file(&file)
            .map_err(|e| ReplayError(Box::new(e)))?;
    }
    let loaded = loader.finish();
    Ok(Head {
        catalog: loaded.catalog,
        approximations: loaded.approximations,
        carried,
    })
}

/// The scripts that replay the up sections of `revisions` on a scratch database: one per
/// segment, a transactional one wrapped in `BEGIN` and `COMMIT`, a non-transactional one alone.
/// Each statement stands on the line it has in its file (the script is padded with empty
/// lines), so an error PostgreSQL reports is placed at the file's own line.
pub fn scratch_scripts<'r>(
    revisions: impl IntoIterator<Item = &'r Revision>,
) -> Vec<ScratchScript> {
    let mut scripts = Vec::new();
    for revision in revisions {
        for segment in &revision.up.segments {
            let mut sql = String::new();
            let mut line = 1;
            let pad_to = |sql: &mut String, line: &mut usize, target: usize| {
                while *line < target {
                    sql.push('\n');
                    *line += 1;
                }
            };
            let first = segment.statements.first().map_or(1, |s| s.line);
            if segment.transactional {
                pad_to(&mut sql, &mut line, first.saturating_sub(1));
                sql.push_str("BEGIN;");
            }
            for statement in &segment.statements {
                pad_to(&mut sql, &mut line, statement.line);
                if !sql.is_empty() && !sql.ends_with('\n') {
                    sql.push(' ');
                }
                sql.push_str(&statement.text);
                sql.push(';');
                line += statement.text.matches('\n').count();
            }
            if segment.transactional {
                sql.push_str("\nCOMMIT;\n");
            }
            scripts.push(ScratchScript::new(revision.file.clone(), sql));
        }
    }
    scripts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn revision(id: &str, parents: &[&str], up: &str) -> Revision {
        let file = format!("migrations/{id}.sql");
        crate::file::test_revision(id, parents, &file, up, "DROP TABLE nothing_at_all;\n")
    }

    #[test]
    fn up_sections_replay_in_order_and_data_statements_are_carried() {
        let first = revision(
            "r1",
            &[],
            "BEGIN;\nSET LOCAL lock_timeout = '5s';\nCREATE TABLE public.users (id int PRIMARY KEY, name text);\nCOMMIT;\n",
        );
        let second = revision(
            "r2",
            &["r1"],
            "BEGIN;\nALTER TABLE public.users ADD COLUMN email text;\n\
             UPDATE public.users SET email = name || '@example.com';\n\
             DO $$ BEGIN RAISE NOTICE 'hi'; END $$;\nCOMMIT;\n\
             -- retort: the statements below cannot run in a transaction block\n\
             CREATE INDEX CONCURRENTLY users_email ON public.users (email);\n",
        );
        let head = match offline([&first, &second]) {
            Ok(h) => h,
            Err(e) => panic!("{e}"),
        };
        let users = &head.catalog.tables[&retort_catalog::QualifiedName::new("public", "users")];
        let columns: Vec<&str> = users.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(columns, ["id", "name", "email"]);
        assert!(
            head.catalog
                .indexes
                .contains_key(&retort_catalog::QualifiedName::new("public", "users_email"))
        );
        // BEGIN twice, COMMIT twice, UPDATE, DO.
        assert_eq!(head.carried, 6);
        assert!(head.approximations.is_empty());
        // The down section is never read: it drops a table that does not exist.
    }

    #[test]
    fn ddl_the_replay_cannot_read_points_to_the_exact_mode_at_its_line() {
        let first = revision("r1", &[], "CREATE SCHEMA s;\nALTER SCHEMA s RENAME TO t;\n");
        let err = match offline([&first]) {
            Ok(_) => panic!("replayed"),
            Err(e) => e,
        };
        let text = err.to_string();
        assert!(text.starts_with("migrations/r1.sql:"), "{text}");
        assert!(text.contains("pass --dev-url"), "{text}");
        let line = first
            .text
            .lines()
            .position(|l| l.starts_with("ALTER SCHEMA"))
            .map(|i| i + 1);
        assert_eq!(Some(err.0.line_column().0), line, "{text}");
    }

    #[test]
    fn scratch_scripts_follow_the_segments() {
        let r = revision(
            "r1",
            &[],
            "BEGIN;\nCREATE TABLE public.a (id int);\nCOMMIT;\nCREATE INDEX CONCURRENTLY a_id ON public.a (id);\n",
        );
        let scripts = scratch_scripts([&r]);
        assert_eq!(scripts.len(), 2);
        // Statements keep their lines.
        for script in &scripts {
            assert_eq!(script.name, "migrations/r1.sql");
        }
        let create = r.up.statements().next().map(|s| s.line).unwrap_or_default();
        let lines: Vec<&str> = scripts[0].sql.lines().collect();
        assert_eq!(
            lines[create - 1],
            "CREATE TABLE public.a (id int);",
            "{lines:?}"
        );
        assert_eq!(lines[create - 2], "BEGIN;");
        let index = r.up.statements().nth(1).map(|s| s.line).unwrap_or_default();
        assert_eq!(
            scripts[1].sql.lines().nth(index - 1),
            Some("CREATE INDEX CONCURRENTLY a_id ON public.a (id);")
        );
    }
}
