//! The integrity file `migrations/retort.sum`: one checksum per migration file, under a
//! checksum of the whole list.
//!
//! ```text
//! sha256:<checksum of the lines below>
//! 20261201_2210_3f9c2a1b7d4e_init.sql sha256:<checksum of the file>
//! ```
//!
//! `retort revision` and `retort merge` write it with the new file. A file edited by hand, a
//! file added without retort, or a file removed is found before anything runs. Two branches
//! that each add a revision both change the first line, so merging them in version control
//! conflicts on it, and the branch is noticed before it reaches a database.

use std::collections::BTreeMap;
use std::path::Path;

use crate::file::checksum;
use crate::history::SUM_FILE;

/// A migration directory that does not match its integrity file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SumError {
    #[error(
        "{dir}/{SUM_FILE} is missing: the migration directory has no integrity file; run \
         `retort hash` to write it"
    )]
    Missing { dir: String },
    #[error("{dir}/{SUM_FILE}:{line}: {message}; run `retort hash` to write it again")]
    Malformed {
        dir: String,
        line: usize,
        message: String,
    },
    #[error("{}", describe_mismatch(.dir, .edited, .added, .removed))]
    Mismatch {
        dir: String,
        edited: Vec<String>,
        added: Vec<String>,
        removed: Vec<String>,
    },
}

fn describe_mismatch(dir: &str, edited: &[String], added: &[String], removed: &[String]) -> String {
    let mut parts = Vec::new();
    let list = |names: &[String]| {
        names
            .iter()
            .map(|n| format!("{dir}/{n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !edited.is_empty() {
        parts.push(format!("edited since it was written: {}", list(edited)));
    }
    if !added.is_empty() {
        parts.push(format!(
            "not in {SUM_FILE} (added by hand or by another branch): {}",
            list(added)
        ));
    }
    if !removed.is_empty() {
        parts.push(format!("in {SUM_FILE} but gone: {}", list(removed)));
    }
    format!(
        "the migration directory does not match {dir}/{SUM_FILE}: {}; review the files, then run \
         `retort hash` to accept them",
        parts.join("; ")
    )
}

/// The checksums of a directory's migration files, by file name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sums {
    pub files: BTreeMap<String, String>,
}

impl Sums {
    /// The checksums of `(file name, bytes)` pairs.
    pub fn of<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Sums {
        Sums {
            files: files
                .into_iter()
                .map(|(name, bytes)| (name.to_owned(), checksum(bytes)))
                .collect(),
        }
    }

    /// Reads the migration files directly in `dir` (`*.sql`, names starting with `.`
    /// skipped), as [`crate::history::History::read`] does.
    pub fn of_dir(dir: &Path) -> std::io::Result<Sums> {
        let mut files = BTreeMap::new();
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || !name.ends_with(".sql") || entry.file_type()?.is_dir() {
                continue;
            }
            let bytes = std::fs::read(entry.path())?;
            files.insert(name, checksum(&bytes));
        }
        Ok(Sums { files })
    }

    /// The integrity file's text.
    pub fn render(&self) -> String {
        let body: String = self
            .files
            .iter()
            .map(|(name, sum)| format!("{name} {sum}\n"))
            .collect();
        format!("{}\n{body}", checksum(body.as_bytes()))
    }

    /// Reads an integrity file; `dir` names the directory in messages.
    pub fn parse(dir: &str, text: &str) -> Result<Sums, SumError> {
        let malformed = |line: usize, message: &str| SumError::Malformed {
            dir: dir.to_owned(),
            line,
            message: message.to_owned(),
        };
        let mut lines = text.split_inclusive('\n');
        let total = lines
            .next()
            .map(str::trim_end)
            .ok_or_else(|| malformed(1, "empty file"))?;
        let body: String = lines.collect();
        if checksum(body.as_bytes()) != total {
            return Err(malformed(
                1,
                "the checksum of the list does not match (a merge conflict or an edit by hand)",
            ));
        }
        let mut files = BTreeMap::new();
        for (i, line) in body.lines().enumerate() {
            let Some((name, sum)) = line.rsplit_once(' ') else {
                return Err(malformed(i + 2, "expected `<file> sha256:<hex>`"));
            };
            if !sum.starts_with("sha256:") {
                return Err(malformed(i + 2, "expected `<file> sha256:<hex>`"));
            }
            files.insert(name.to_owned(), sum.to_owned());
        }
        Ok(Sums { files })
    }

    /// Compares the recorded sums (`self`) with the directory's actual ones.
    pub fn verify(&self, dir: &str, actual: &Sums) -> Result<(), SumError> {
        let edited: Vec<String> = self
            .files
            .iter()
            .filter(|(name, sum)| actual.files.get(*name).is_some_and(|a| a != *sum))
            .map(|(name, _)| name.clone())
            .collect();
        let added: Vec<String> = actual
            .files
            .keys()
            .filter(|name| !self.files.contains_key(*name))
            .cloned()
            .collect();
        let removed: Vec<String> = self
            .files
            .keys()
            .filter(|name| !actual.files.contains_key(*name))
            .cloned()
            .collect();
        if edited.is_empty() && added.is_empty() && removed.is_empty() {
            return Ok(());
        }
        Err(SumError::Mismatch {
            dir: dir.to_owned(),
            edited,
            added,
            removed,
        })
    }
}

/// Checks the directory `dir` (named `shown` in messages) against its integrity file. A
/// directory with no migration file needs none.
pub fn verify_dir(dir: &Path, shown: &str) -> Result<(), VerifyError> {
    let actual = Sums::of_dir(dir).map_err(|source| VerifyError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let path = dir.join(SUM_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if actual.files.is_empty() {
                return Ok(());
            }
            return Err(SumError::Missing {
                dir: shown.to_owned(),
            }
            .into());
        }
        Err(source) => {
            return Err(VerifyError::Io {
                path: path.display().to_string(),
                source,
            });
        }
    };
    Sums::parse(shown, &text)?.verify(shown, &actual)?;
    Ok(())
}

/// [`verify_dir`]'s error.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Sum(#[from] SumError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_sums_read_back_and_detect_every_change() {
        let sums = Sums::of([
            ("1_a.sql", b"one".as_slice()),
            ("2_b.sql", b"two".as_slice()),
        ]);
        let text = sums.render();
        assert_eq!(text.lines().count(), 3);
        let read = Sums::parse("migrations", &text);
        assert_eq!(read.as_ref(), Ok(&sums));
        assert_eq!(sums.verify("migrations", &sums), Ok(()));

        let changed = Sums::of([
            ("1_a.sql", b"one!".as_slice()),
            ("3_c.sql", b"three".as_slice()),
        ]);
        let err = sums
            .verify("migrations", &changed)
            .map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err(
                "the migration directory does not match migrations/retort.sum: edited since it \
                 was written: migrations/1_a.sql; not in retort.sum (added by hand or by another \
                 branch): migrations/3_c.sql; in retort.sum but gone: migrations/2_b.sql; review \
                 the files, then run `retort hash` to accept them"
                    .to_owned()
            )
        );
    }

    #[test]
    fn an_edited_sum_file_is_malformed() {
        let text = Sums::of([("1_a.sql", b"one".as_slice())]).render();
        let edited = text.replace("1_a.sql", "1_b.sql");
        assert!(matches!(
            Sums::parse("m", &edited),
            Err(SumError::Malformed { line: 1, .. })
        ));
        let conflict = format!("{text}<<<<<<< HEAD\n");
        assert!(matches!(
            Sums::parse("m", &conflict),
            Err(SumError::Malformed { line: 1, .. })
        ));
    }

    #[test]
    fn a_directory_checks_against_its_file() {
        let dir = match tempfile::tempdir() {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        };
        assert!(
            verify_dir(dir.path(), "m").is_ok(),
            "an empty directory needs no sums"
        );
        let write = |name: &str, text: &str| {
            if let Err(e) = std::fs::write(dir.path().join(name), text) {
                panic!("{e}");
            }
        };
        write("1_a.sql", "one");
        assert!(matches!(
            verify_dir(dir.path(), "m"),
            Err(VerifyError::Sum(SumError::Missing { .. }))
        ));
        let sums = match Sums::of_dir(dir.path()) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        write(SUM_FILE, &sums.render());
        assert!(verify_dir(dir.path(), "m").is_ok());
        write("1_a.sql", "one, edited");
        assert!(matches!(
            verify_dir(dir.path(), "m"),
            Err(VerifyError::Sum(SumError::Mismatch { .. }))
        ));
    }
}
