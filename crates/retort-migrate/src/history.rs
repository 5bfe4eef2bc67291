//! The migration directory read as a revision graph: every `*.sql` file in it is one revision,
//! linked to the revisions it follows by its `parent` header.
//!
//! The order is fixed: parents before children, and among revisions free at the same time the
//! one whose file name sorts first. A history whose revisions share a parent has branches:
//! `head` is then ambiguous, an error that names the files, until `retort merge` writes a
//! revision that follows all heads.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::file::{BASE, FileError, Revision};

/// The name of the integrity file in the migration directory.
pub const SUM_FILE: &str = "retort.sum";

/// A problem with the migration directory as a whole.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    File(#[from] FileError),
    #[error("revision {id} is in two files: {first} and {second}")]
    Duplicate {
        id: String,
        first: String,
        second: String,
    },
    #[error("{file}: parent revision {parent} is in no file of the migration directory")]
    UnknownParent { file: String, parent: String },
    #[error("revisions follow each other in a cycle: {}", .files.join(", "))]
    Cycle { files: Vec<String> },
    #[error(
        "the history has {} heads ({}): revisions {} share a parent; run `retort merge` to join them",
        .heads.len(), .files.join(", "), .heads.join(" and ")
    )]
    Branches {
        heads: Vec<String>,
        files: Vec<String>,
    },
    #[error("no revision {spec} in the migration directory{}", suggestion(.known))]
    UnknownRevision { spec: String, known: Vec<String> },
    #[error("revision prefix {spec} is ambiguous: {}", .matches.join(", "))]
    Ambiguous { spec: String, matches: Vec<String> },
}

fn suggestion(known: &[String]) -> String {
    if known.is_empty() {
        " (it has no revision yet)".to_owned()
    } else {
        String::new()
    }
}

/// Every revision of a migration directory, in order.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// Parents before children; ties by file name.
    pub revisions: Vec<Revision>,
    index: BTreeMap<String, usize>,
}

impl History {
    /// Reads every `*.sql` file directly in `dir` (names starting with `.` skipped); `shown`
    /// is how messages name the directory (`migrations`). A directory that does not exist is
    /// an error; an empty one is an empty history.
    pub fn read(dir: &Path, shown: &str) -> Result<History, HistoryError> {
        let io = |path: &Path, source| HistoryError::Io {
            path: path.to_owned(),
            source,
        };
        let mut names = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
            let entry = entry.map_err(|e| io(dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || !name.ends_with(".sql") {
                continue;
            }
            if entry
                .file_type()
                .map_err(|e| io(&entry.path(), e))?
                .is_dir()
            {
                continue;
            }
            names.push(name);
        }
        names.sort();
        let mut revisions = Vec::with_capacity(names.len());
        for name in names {
            let path = dir.join(&name);
            let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
            let file = format!("{}/{name}", shown.trim_end_matches('/'));
            revisions.push(Revision::parse(&file, &text)?);
        }
        History::new(revisions)
    }

    /// Orders revisions (given in file-name order) parents first, and checks their links.
    pub fn new(revisions: Vec<Revision>) -> Result<History, HistoryError> {
        let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
        for (i, r) in revisions.iter().enumerate() {
            if let Some(&first) = by_id.get(&r.id) {
                return Err(HistoryError::Duplicate {
                    id: r.id.clone(),
                    first: revisions[first].file.clone(),
                    second: r.file.clone(),
                });
            }
            by_id.insert(r.id.clone(), i);
        }
        for r in &revisions {
            if let Some(parent) = r.parents.iter().find(|p| !by_id.contains_key(*p)) {
                return Err(HistoryError::UnknownParent {
                    file: r.file.clone(),
                    parent: parent.clone(),
                });
            }
        }
        // Kahn's algorithm; the ready set is ordered by position (file name order).
        let mut waiting: Vec<usize> = revisions.iter().map(|r| r.parents.len()).collect();
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); revisions.len()];
        for (i, r) in revisions.iter().enumerate() {
            for p in &r.parents {
                children[by_id[p]].push(i);
            }
        }
        let mut ready: BTreeSet<usize> =
            (0..revisions.len()).filter(|&i| waiting[i] == 0).collect();
        let mut order = Vec::with_capacity(revisions.len());
        while let Some(i) = ready.pop_first() {
            order.push(i);
            for &c in &children[i] {
                waiting[c] -= 1;
                if waiting[c] == 0 {
                    ready.insert(c);
                }
            }
        }
        if order.len() < revisions.len() {
            let placed: BTreeSet<usize> = order.iter().copied().collect();
            return Err(HistoryError::Cycle {
                files: (0..revisions.len())
                    .filter(|i| !placed.contains(i))
                    .map(|i| revisions[i].file.clone())
                    .collect(),
            });
        }
        let mut slots: Vec<Option<Revision>> = revisions.into_iter().map(Some).collect();
        let revisions: Vec<Revision> = order.iter().filter_map(|&i| slots[i].take()).collect();
        let index = revisions
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        Ok(History { revisions, index })
    }

    pub fn is_empty(&self) -> bool {
        self.revisions.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Revision> {
        self.index.get(id).map(|&i| &self.revisions[i])
    }

    /// Revisions no other revision follows, in order.
    pub fn heads(&self) -> Vec<&Revision> {
        let parents: BTreeSet<&str> = self
            .revisions
            .iter()
            .flat_map(|r| r.parents.iter().map(String::as_str))
            .collect();
        self.revisions
            .iter()
            .filter(|r| !parents.contains(r.id.as_str()))
            .collect()
    }

    /// The one head; `None` for an empty history; an error naming the files when there are
    /// branches.
    pub fn head(&self) -> Result<Option<&Revision>, HistoryError> {
        let heads = self.heads();
        match heads.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one)),
            many => Err(HistoryError::Branches {
                heads: many.iter().map(|r| r.id.clone()).collect(),
                files: many.iter().map(|r| r.file.clone()).collect(),
            }),
        }
    }

    /// `id` and every revision it follows, directly or not, in history order.
    pub fn ancestry(&self, id: &str) -> Vec<&Revision> {
        let mut keep = BTreeSet::new();
        let mut stack = vec![id.to_owned()];
        while let Some(next) = stack.pop() {
            if let Some(r) = self.get(&next)
                && keep.insert(r.id.clone())
            {
                stack.extend(r.parents.iter().cloned());
            }
        }
        self.revisions
            .iter()
            .filter(|r| keep.contains(&r.id))
            .collect()
    }

    /// The revision a user names: a full id or an unambiguous prefix of one (4 characters at
    /// least), or `head`. `base` is `None`.
    pub fn resolve(&self, spec: &str) -> Result<Option<&Revision>, HistoryError> {
        match spec {
            BASE => return Ok(None),
            "head" => {
                return self
                    .head()?
                    .map(Some)
                    .ok_or_else(|| HistoryError::UnknownRevision {
                        spec: spec.to_owned(),
                        known: Vec::new(),
                    });
            }
            _ => {}
        }
        if let Some(r) = self.get(spec) {
            return Ok(Some(r));
        }
        let matches: Vec<&Revision> = if spec.len() >= 4 {
            self.revisions
                .iter()
                .filter(|r| r.id.starts_with(spec))
                .collect()
        } else {
            Vec::new()
        };
        match matches.as_slice() {
            [one] => Ok(Some(one)),
            [] => Err(HistoryError::UnknownRevision {
                spec: spec.to_owned(),
                known: self.revisions.iter().map(|r| r.id.clone()).collect(),
            }),
            many => Err(HistoryError::Ambiguous {
                spec: spec.to_owned(),
                matches: many.iter().map(|r| r.id.clone()).collect(),
            }),
        }
    }

    /// What `upgrade` to `target` applies, given the applied revisions: every revision of
    /// the target's ancestry not applied yet, in history order.
    pub fn to_apply<'h>(&'h self, target: &str, applied: &BTreeSet<String>) -> Vec<&'h Revision> {
        self.ancestry(target)
            .into_iter()
            .filter(|r| !applied.contains(&r.id))
            .collect()
    }

    /// What `downgrade` to `target` (`None`: base) reverts, given the applied revisions:
    /// every applied revision outside the target's ancestry, latest first.
    pub fn to_revert<'h>(
        &'h self,
        target: Option<&str>,
        applied: &BTreeSet<String>,
    ) -> Vec<&'h Revision> {
        let keep: BTreeSet<&str> = target
            .map(|t| {
                self.ancestry(t)
                    .into_iter()
                    .map(|r| r.id.as_str())
                    .collect()
            })
            .unwrap_or_default();
        self.revisions
            .iter()
            .rev()
            .filter(|r| applied.contains(&r.id) && !keep.contains(r.id.as_str()))
            .collect()
    }

    /// The next `n` revisions `upgrade +n` applies: the first `n` not applied of the head's
    /// ancestry.
    pub fn next_n(
        &self,
        n: usize,
        applied: &BTreeSet<String>,
    ) -> Result<Vec<&Revision>, HistoryError> {
        let Some(head) = self.head()? else {
            return Ok(Vec::new());
        };
        Ok(self
            .to_apply(&head.id, applied)
            .into_iter()
            .take(n)
            .collect())
    }

    /// The last `n` applied revisions `downgrade -n` reverts, latest first.
    pub fn last_n(&self, n: usize, applied: &BTreeSet<String>) -> Vec<&Revision> {
        self.revisions
            .iter()
            .rev()
            .filter(|r| applied.contains(&r.id))
            .take(n)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn revision(id: &str, parents: &[&str], file: &str) -> Revision {
        crate::file::test_revision(
            id,
            parents,
            file,
            &format!("CREATE TABLE {id} ();\n"),
            &format!("DROP TABLE {id};\n"),
        )
    }

    fn ids(revisions: &[&Revision]) -> Vec<String> {
        revisions.iter().map(|r| r.id.clone()).collect()
    }

    fn history(revisions: Vec<Revision>) -> History {
        match History::new(revisions) {
            Ok(h) => h,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn order_follows_parents_not_file_names() {
        let h = history(vec![
            revision("bbbb", &["cccc"], "m/1.sql"),
            revision("cccc", &[], "m/2.sql"),
            revision("aaaa", &["bbbb"], "m/3.sql"),
        ]);
        let order: Vec<&str> = h.revisions.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(order, ["cccc", "bbbb", "aaaa"]);
        assert_eq!(h.head().ok().flatten().map(|r| r.id.as_str()), Some("aaaa"));
        let none = BTreeSet::new();
        assert_eq!(ids(&h.to_apply("bbbb", &none)), ["cccc", "bbbb"]);
        let applied: BTreeSet<String> = ["cccc".to_owned(), "bbbb".to_owned()].into();
        assert_eq!(ids(&h.to_apply("aaaa", &applied)), ["aaaa"]);
        assert_eq!(ids(&h.to_revert(Some("cccc"), &applied)), ["bbbb"]);
        assert_eq!(ids(&h.to_revert(None, &applied)), ["bbbb", "cccc"]);
        assert_eq!(ids(&h.last_n(1, &applied)), ["bbbb"]);
        assert!(matches!(h.next_n(5, &applied).map(|v| ids(&v)), Ok(v) if v == ["aaaa"]));
    }

    #[test]
    fn branches_name_both_files_and_a_merge_joins_them() {
        let mut revisions = vec![
            revision("root", &[], "m/1_root.sql"),
            revision("left", &["root"], "m/2_left.sql"),
            revision("right", &["root"], "m/3_right.sql"),
        ];
        let h = history(revisions.clone());
        let err = h.head().map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err(
                "the history has 2 heads (m/2_left.sql, m/3_right.sql): revisions left and \
                 right share a parent; run `retort merge` to join them"
                    .to_owned()
            )
        );
        revisions.push(revision("join", &["left", "right"], "m/4_join.sql"));
        let h = history(revisions);
        assert_eq!(h.head().ok().flatten().map(|r| r.id.as_str()), Some("join"));
        assert_eq!(h.ancestry("join").len(), 4);
        let applied: BTreeSet<String> = ["root".to_owned(), "left".to_owned()].into();
        assert_eq!(ids(&h.to_apply("join", &applied)), ["right", "join"]);
    }

    #[test]
    fn broken_links_are_errors() {
        let err = |revisions: Vec<Revision>| match History::new(revisions) {
            Ok(_) => panic!("accepted"),
            Err(e) => e.to_string(),
        };
        assert_eq!(
            err(vec![revision("aaaa", &["gone"], "m/1.sql")]),
            "m/1.sql: parent revision gone is in no file of the migration directory"
        );
        assert_eq!(
            err(vec![
                revision("aaaa", &[], "m/1.sql"),
                revision("aaaa", &[], "m/2.sql")
            ]),
            "revision aaaa is in two files: m/1.sql and m/2.sql"
        );
        assert_eq!(
            err(vec![
                revision("aaaa", &["bbbb"], "m/1.sql"),
                revision("bbbb", &["aaaa"], "m/2.sql")
            ]),
            "revisions follow each other in a cycle: m/1.sql, m/2.sql"
        );
    }

    #[test]
    fn revisions_by_prefix() {
        let h = history(vec![
            revision("abcd1234", &[], "m/1.sql"),
            revision("abcd9999", &["abcd1234"], "m/2.sql"),
        ]);
        assert_eq!(
            h.resolve("abcd12").ok().flatten().map(|r| r.id.as_str()),
            Some("abcd1234")
        );
        assert!(matches!(h.resolve("base"), Ok(None)));
        assert!(matches!(
            h.resolve("abcd"),
            Err(HistoryError::Ambiguous { .. })
        ));
        assert!(matches!(
            h.resolve("ab"),
            Err(HistoryError::UnknownRevision { .. })
        ));
        assert_eq!(
            h.resolve("head").ok().flatten().map(|r| r.id.as_str()),
            Some("abcd9999")
        );
    }
}
