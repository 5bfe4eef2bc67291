//! Canonical spellings: text a user writes, turned into the text PostgreSQL prints for it.
//!
//! - [`expr`]: SQL expressions to `pg_get_expr` text (defaults, checks, index keys, predicates);
//! - [`types`]: built-in type names to `format_type` spelling;
//! - [`view`]: view queries to `pg_get_viewdef` text.

pub mod expr;
pub mod types;
pub mod view;
