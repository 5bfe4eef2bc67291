//! The catalog fixtures in `fixtures/catalog/*.sql`, with the server version each needs.
//!
//! A fixture that uses syntax newer than PostgreSQL 13 says so in its leading comment with a
//! line `-- requires: PostgreSQL <major>`. Tests load only the fixtures the server supports and
//! print the name of each one they leave out, so a run on an older server says what it did not
//! check.

use std::path::{Path, PathBuf};

/// One fixture file.
#[derive(Clone, Debug)]
pub struct Fixture {
    /// File stem, e.g. `02_tables`.
    pub name: String,
    pub path: PathBuf,
    pub sql: String,
    /// `server_version_num` the fixture needs (e.g. 150000), if it says.
    pub min_server_version_num: Option<u32>,
}

impl Fixture {
    pub fn supported_by(&self, server_version_num: u32) -> bool {
        self.min_server_version_num
            .is_none_or(|min| server_version_num >= min)
    }
}

/// The folder of the catalog fixtures.
pub fn catalog_fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/catalog")
}

/// Every catalog fixture, sorted by file name. Panics (test-only crate) when the folder is
/// unreadable or empty, or a `requires` line is malformed.
pub fn catalog_fixtures() -> Vec<Fixture> {
    let dir = catalog_fixture_dir();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no fixtures in {}", dir.display());
    paths
        .into_iter()
        .map(|path| {
            let sql = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let min_server_version_num =
                required_version(&sql).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("UTF-8 file name")
                .to_owned();
            Fixture {
                name,
                path,
                sql,
                min_server_version_num,
            }
        })
        .collect()
}

/// Fixtures the server supports; prints the ones left out.
pub fn supported_catalog_fixtures(server_version_num: u32) -> Vec<Fixture> {
    catalog_fixtures()
        .into_iter()
        .filter(|f| {
            let ok = f.supported_by(server_version_num);
            if !ok {
                eprintln!(
                    "fixture {} needs server_version_num {} (server has {server_version_num}): not loaded",
                    f.name,
                    f.min_server_version_num.unwrap_or_default()
                );
            }
            ok
        })
        .collect()
}

/// Reads `-- requires: PostgreSQL 15` from the leading comment block.
fn required_version(sql: &str) -> Result<Option<u32>, String> {
    for line in sql.lines() {
        let Some(comment) = line.trim_start().strip_prefix("--") else {
            break;
        };
        if let Some(rest) = comment.trim().strip_prefix("requires:") {
            let major = rest
                .trim()
                .strip_prefix("PostgreSQL")
                .map(str::trim)
                .and_then(|m| m.parse::<u32>().ok())
                .ok_or_else(|| format!("malformed requires line: {line:?}"))?;
            return Ok(Some(major * 10_000));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requires_line_is_read_from_the_leading_comment_only() {
        assert_eq!(
            required_version("-- a\n-- requires: PostgreSQL 15\nSELECT 1;"),
            Ok(Some(150_000))
        );
        assert_eq!(
            required_version("SELECT 1;\n-- requires: PostgreSQL 15\n"),
            Ok(None)
        );
        assert!(required_version("-- requires: 15\n").is_err());
    }

    #[test]
    fn the_repository_fixtures_parse() {
        let all = catalog_fixtures();
        assert!(all.len() >= 3);
        assert!(all.iter().all(|f| f.supported_by(999_999)));
    }
}
