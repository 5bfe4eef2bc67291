//! SQL rendering: the only place identifiers and literals are quoted.
//!
//! - [`quote`]: `quote_ident`, `quote_qualified`, `quote_literal`, `dollar_quote`.
//! - [`script`]: a whole [`Catalog`](retort_catalog::Catalog) as one ordered DDL script that
//!   recreates it in an empty database.

mod ddl;
mod error;
mod order;
pub mod quote;
pub mod script;

pub use error::RenderError;
pub use script::render_catalog;
