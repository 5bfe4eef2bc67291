//! The SQL `upgrade --sql` and `downgrade --sql` print: each revision's section as psql runs
//! it, with the version table kept as the runner keeps it, so that a database migrated by
//! running the printed script with psql is recorded at the same revision.

use retort_sql::quote::quote_literal;

use crate::file::Revision;
use crate::runner::{Direction, VersionTable};

/// What the printed script starts with: the version table, created when missing.
pub fn preamble(table: &VersionTable) -> String {
    table.create_sql()
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
