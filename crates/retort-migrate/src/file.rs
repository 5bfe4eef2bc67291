//! Migration files: one revision per file, a header, an up section and a down section.

use crate::script::Script;

/// One revision, read from its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    /// The revision id (`3f9c2a1b7d4e`).
    pub id: String,
    /// The revisions it follows: none for the first, two or more for a merge.
    pub parents: Vec<String>,
    pub message: String,
    /// When it was written, as the header says (`2026-12-01 22:10:00 UTC`).
    pub created: String,
    /// How messages name the file: its path relative to the project (`migrations/x.sql`).
    pub file: String,
    /// `sha256:<hex>` of the file's bytes.
    pub checksum: String,
    pub up: Script,
    pub down: Script,
}
