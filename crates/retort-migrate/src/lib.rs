//! retort's migration history.
//!
//! - [`config`]: the project file, `retort.toml`;
//! - [`ignore`]: `[ignore]` rules, objects left out of both sides of a comparison;
//! - [`file`]: migration files (header, up and down sections) and the [`Revision`] they hold;
//! - [`script`]: a section of a migration file (up or down SQL) as the runner executes it;
//! - [`history`]: the migration directory as a revision graph (order, heads, branches, what an
//!   upgrade or a downgrade runs);
//! - [`sum`]: the integrity file `retort.sum`;
//! - [`replay`]: the head of a history as a catalog, offline or through a scratch database;
//! - [`offline`]: the SQL `--sql` prints, version table bookkeeping included;
//! - [`runner`]: applying revisions to a database: the version table, the advisory lock that
//!   serializes runners, one transaction per revision (non-transactional segments alone).

pub mod config;
pub mod file;
pub mod history;
pub mod ignore;
pub mod offline;
pub mod replay;
pub mod runner;
pub mod script;
pub mod sum;

pub use config::Config;
pub use file::Revision;
pub use history::History;
pub use script::{Script, ScriptError, ScriptSegment, Statement};
