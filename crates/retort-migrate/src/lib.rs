//! retort's migration history.
//!
//! - [`file`]: migration files (header, up and down sections) and the [`Revision`] they hold;
//! - [`script`]: a section of a migration file (up or down SQL) as the runner executes it;
//! - [`runner`]: applying revisions to a database: the version table, the advisory lock that
//!   serializes runners, one transaction per revision (non-transactional segments alone).

pub mod file;
pub mod runner;
pub mod script;

pub use file::Revision;
pub use script::{Script, ScriptError, ScriptSegment, Statement};
