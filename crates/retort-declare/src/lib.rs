//! Declared schema files (`schema/`: SQL and TOML) to a [`Catalog`](retort_catalog::Catalog).
//!
//! - [`files`]: which files, in which order;
//! - [`error`]: errors that name the file, line and column and show the text with a caret;
//! - [`load`]: declared files read offline into a catalog, in PostgreSQL's canonical forms;
//! - [`sql`]: SQL files (the only module that uses `sqlparser`);
//! - [`toml_format`]: the TOML format, both ways.

pub mod canon;
pub mod error;
pub mod files;
pub mod load;
pub mod sql;
pub mod toml_format;

pub use error::{DeclareError, SourceError};
pub use files::{FileKind, SchemaFile, SchemaSource};
pub use load::rename_hints;
