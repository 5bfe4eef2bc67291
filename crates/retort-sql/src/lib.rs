//! SQL rendering: the only place identifiers and literals are quoted.
//!
//! - [`quote`]: `quote_ident`, `quote_qualified`, `quote_literal`, `dollar_quote`.
//! - [`script`]: a whole [`Catalog`](retort_catalog::Catalog) as one ordered DDL script that
//!   recreates it in an empty database.
//! - [`migration`]: one object at a time, created, dropped, renamed or altered, for the
//!   statements of a migration plan.
//! - [`rename`]: an object's rename followed through canonical SQL text.

mod ddl;
mod error;
pub mod migration;
mod order;
pub mod quote;
pub mod rename;
pub mod script;

pub use error::RenderError;
pub use order::{called_functions_in, qualified_names_in};
pub use script::render_catalog;
