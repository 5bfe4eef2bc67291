//! The shared conformance corpus: schema pairs (`from.sql`, `to.sql`) with what each needs.
//!
//! It is read in place from `RETORT_CONFORMANCE_DIR`, else `../shared/conformance` beside the
//! repository. A clone without it has no cases: tests say so and check nothing.

use std::path::{Path, PathBuf};

/// Where the corpus is looked for.
pub fn corpus_dir() -> PathBuf {
    match std::env::var_os("RETORT_CONFORMANCE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance"),
    }
}

/// One schema pair.
#[derive(Debug, Clone)]
pub struct Case {
    /// `migra/everything`, `apgdiff/add_column`, …
    pub id: String,
    pub dir: PathBuf,
    /// Roles that must exist before a side loads.
    pub roles: Vec<String>,
    /// `server_version_num` the case needs (e.g. 140000), if any.
    pub min_version_num: Option<u32>,
}

impl Case {
    /// The SQL of `from.sql` or `to.sql`, without `COPY` data.
    pub fn side(&self, file: &str) -> std::io::Result<String> {
        let sql = std::fs::read_to_string(self.dir.join(file))?;
        Ok(without_copy_data(&sql))
    }

    pub fn supported_by(&self, server_version_num: u32) -> bool {
        self.min_version_num
            .is_none_or(|min| server_version_num >= min)
    }
}

fn string_list(meta: &serde_json::Value, pointer: &str) -> Vec<String> {
    meta.pointer(pointer)
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Every case under `root`, in path order; empty when the corpus is absent.
///
/// # Panics
/// On an unreadable directory entry or a `meta.json` that is not JSON: the corpus is test data.
pub fn cases(root: &Path) -> Vec<Case> {
    let mut out = Vec::new();
    for source in ["apgdiff", "migra"] {
        let Ok(entries) = std::fs::read_dir(root.join(source)) else {
            continue;
        };
        let mut dirs: Vec<PathBuf> = entries
            .map(|e| e.expect("readable entry").path())
            .filter(|p| p.join("meta.json").is_file())
            .collect();
        dirs.sort();
        for dir in dirs {
            let text = std::fs::read_to_string(dir.join("meta.json")).expect("meta.json readable");
            let meta: serde_json::Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: bad meta.json: {e}", dir.display()));
            let mut roles = string_list(&meta, "/required_roles");
            roles.extend(string_list(&meta, "/flags/peer_setup_roles"));
            roles.sort();
            roles.dedup();
            // "min_pg_version" is a major number such as 14.
            let min_version_num = meta
                .get("min_pg_version")
                .and_then(|v| v.as_u64())
                .map(|major| u32::try_from(major * 10_000).unwrap_or(u32::MAX));
            out.push(Case {
                id: format!(
                    "{source}/{}",
                    dir.file_name().and_then(|n| n.to_str()).unwrap_or("?")
                ),
                dir,
                roles,
                min_version_num,
            });
        }
    }
    out
}

/// Some cases are `pg_dump` output with table data (`COPY ... FROM stdin;` followed by rows and
/// a `\.` line), which only psql can feed to the server. Rows are not schema: drop them.
pub fn without_copy_data(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut in_copy = false;
    for line in sql.lines() {
        if in_copy {
            if line == "\\." {
                in_copy = false;
            }
            continue;
        }
        if line.starts_with("COPY ") && line.trim_end().ends_with("FROM stdin;") {
            in_copy = true;
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_data_is_dropped_and_schema_kept() {
        let sql = "CREATE TABLE t (a int);\nCOPY public.t (a) FROM stdin;\n1\n2\n\\.\nCREATE INDEX i ON t (a);\n";
        assert_eq!(
            without_copy_data(sql),
            "CREATE TABLE t (a int);\nCREATE INDEX i ON t (a);\n"
        );
    }
}
