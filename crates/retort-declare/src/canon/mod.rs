//! Canonical spellings: text a user writes, turned into the text PostgreSQL prints for it.
//!
//! - [`types`]: built-in type names to `format_type` spelling.

pub mod types;
