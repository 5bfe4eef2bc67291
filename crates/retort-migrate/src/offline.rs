//! The SQL `upgrade --sql` and `downgrade --sql` print: each revision's section as psql runs
//! it, with the version table kept as the runner keeps it, so that a database migrated by
//! running the printed script with psql is recorded at the same revision.

use retort_sql::quote::quote_literal;

use crate::file::Revision;
use crate::runner::{Direction, VersionTable};

/// The statements that create the version table (and its schema) when missing.
pub(crate) fn create_table_sql(table: &VersionTable) -> String {
    let mut sql = String::new();
    if table.schema != "public" {
        sql.push_str(&format!(
            "CREATE SCHEMA IF NOT EXISTS {};\n",
            table.quoted_schema()
        ));
    }
    sql.push_str(&format!(
        "CREATE TABLE IF NOT EXISTS {table} (\n\
         \x20   revision text PRIMARY KEY,\n\
         \x20   checksum text NOT NULL,\n\
         \x20   state text NOT NULL CHECK (state IN ('applied', 'upgrading', 'downgrading')),\n\
         \x20   segments_done integer NOT NULL,\n\
         \x20   segments_total integer NOT NULL,\n\
         \x20   applied_at timestamp with time zone NOT NULL DEFAULT pg_catalog.now(),\n\
         \x20   seq bigint GENERATED ALWAYS AS IDENTITY\n\
         );\n"
    ));
    sql
}

/// What the printed script starts with: the version table, created when missing.
pub fn preamble(table: &VersionTable) -> String {
    create_table_sql(table)
}

/// One revision's section in `direction`, segment by segment as the runner runs it; the
/// version row is written (or deleted) in the last transaction, or after a last segment that
/// cannot run in one.
pub fn section_sql(table: &VersionTable, revision: &Revision, direction: Direction) -> String {
    let script = match direction {
        Direction::Up => &revision.up,
        Direction::Down => &revision.down,
    };
    let record = match direction {
        Direction::Up => {
            let total = script.segments.len();
            format!(
                "INSERT INTO {table} (revision, checksum, state, segments_done, segments_total) \
                 VALUES ({}, {}, 'applied', {total}, {total});\n",
                quote_literal(&revision.id),
                quote_literal(&revision.checksum)
            )
        }
        Direction::Down => format!(
            "DELETE FROM {table} WHERE revision = {};\n",
            quote_literal(&revision.id)
        ),
    };
    let mut out = String::new();
    let count = script.segments.len();
    for (index, segment) in script.segments.iter().enumerate() {
        let last = index + 1 == count;
        if segment.transactional {
            out.push_str("BEGIN;\n");
        }
        for statement in &segment.statements {
            out.push_str(&statement.text);
            out.push_str(";\n");
        }
        if last && segment.transactional {
            out.push_str(&record);
        }
        if segment.transactional {
            out.push_str("COMMIT;\n");
        }
        if last && !segment.transactional {
            out.push_str(&record);
        }
    }
    if count == 0 {
        out.push_str(&record);
    }
    out
}
