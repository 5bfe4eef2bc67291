//! Reads a [`Catalog`](retort_catalog::Catalog) from a live PostgreSQL database.
//!
//! All catalog SQL lives in `src/queries/*.sql`, one file per object kind. Each runs once per
//! introspection, set-based, so the number of round trips does not grow with the schema.

pub mod conn;
