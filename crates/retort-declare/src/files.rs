//! Finding and reading the declared schema: one file, or every `*.sql` and `*.toml` file under a
//! directory, in a fixed order (by path relative to the root, byte-wise), so that loading the
//! same files always gives the same result whatever the file system's order.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::DeclareError;

/// The language of a schema file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    Sql,
    Toml,
}

impl FileKind {
    fn of(path: &Path) -> Option<FileKind> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("sql") => Some(FileKind::Sql),
            Some("toml") => Some(FileKind::Toml),
            _ => None,
        }
    }
}

/// One declared file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// How errors name it: the root as given joined with the path below it, `/`-separated
    /// (`schema/tables/users.sql`), or the path as given for a single file.
    pub display: String,
    pub kind: FileKind,
    pub text: Arc<str>,
}

/// Every file of a declared schema, in load order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaSource {
    pub root: PathBuf,
    pub files: Vec<SchemaFile>,
}

impl SchemaSource {
    /// Reads a `.sql` or `.toml` file, or every such file under a directory (recursively;
    /// names starting with `.` are skipped).
    pub fn load(path: &Path) -> Result<SchemaSource, DeclareError> {
        let meta = std::fs::metadata(path).map_err(|source| DeclareError::Io {
            path: path.to_owned(),
            source,
        })?;
        if meta.is_file() {
            let kind = FileKind::of(path).ok_or_else(|| DeclareError::NotSchemaFile {
                path: path.to_owned(),
            })?;
            let file = read(path, path.display().to_string().replace('\\', "/"), kind)?;
            return Ok(SchemaSource {
                root: path.to_owned(),
                files: vec![file],
            });
        }
        let mut found: Vec<(String, PathBuf, FileKind)> = Vec::new();
        let walker = walkdir::WalkDir::new(path)
            .follow_links(true)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            let entry = entry.map_err(|e| DeclareError::Io {
                path: e.path().map_or_else(|| path.to_owned(), Path::to_owned),
                source: e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("file system loop")),
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let Some(kind) = FileKind::of(entry.path()) else {
                continue;
            };
            let relative = entry
                .path()
                .strip_prefix(path)
                .unwrap_or(entry.path())
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            found.push((relative, entry.path().to_owned(), kind));
        }
        if found.is_empty() {
            return Err(DeclareError::NoFiles {
                path: path.to_owned(),
            });
        }
        found.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let root = path.display().to_string().replace('\\', "/");
        let root = root.trim_end_matches('/');
        let files = found
            .into_iter()
            .map(|(relative, full, kind)| read(&full, format!("{root}/{relative}"), kind))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SchemaSource {
            root: path.to_owned(),
            files,
        })
    }
}

fn read(path: &Path, display: String, kind: FileKind) -> Result<SchemaFile, DeclareError> {
    let bytes = std::fs::read(path).map_err(|source| DeclareError::Io {
        path: path.to_owned(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|_| DeclareError::NotUtf8 {
        path: path.to_owned(),
    })?;
    Ok(SchemaFile {
        path: path.to_owned(),
        display,
        kind,
        text: Arc::from(text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn a_directory_loads_in_path_order_skipping_hidden_and_other_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "b.sql", "b");
        write(dir.path(), "a/z.toml", "z");
        write(dir.path(), "a/Y.sql", "y");
        write(dir.path(), "README.md", "no");
        write(dir.path(), ".hidden/x.sql", "no");
        write(dir.path(), ".skip.sql", "no");
        let source = SchemaSource::load(dir.path()).expect("loads");
        let names: Vec<&str> = source.files.iter().map(|f| f.display.as_str()).collect();
        let root = dir.path().display().to_string();
        assert_eq!(
            names,
            [
                format!("{root}/a/Y.sql"),
                format!("{root}/a/z.toml"),
                format!("{root}/b.sql")
            ]
        );
        assert_eq!(source.files[1].kind, FileKind::Toml);
        assert_eq!(&*source.files[2].text, "b");
        // Loading again gives the same thing.
        assert_eq!(SchemaSource::load(dir.path()).expect("loads"), source);
    }

    #[test]
    fn bad_inputs_are_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let empty = SchemaSource::load(dir.path()).expect_err("no files");
        assert!(matches!(empty, DeclareError::NoFiles { .. }), "{empty}");
        write(dir.path(), "notes.txt", "x");
        let wrong = SchemaSource::load(&dir.path().join("notes.txt")).expect_err("not schema");
        assert!(wrong.to_string().contains("notes.txt"), "{wrong}");
        let missing = SchemaSource::load(&dir.path().join("nope")).expect_err("missing");
        assert!(missing.to_string().contains("nope"), "{missing}");
        std::fs::write(dir.path().join("bad.sql"), [0xff, 0xfe]).expect("write");
        let binary = SchemaSource::load(&dir.path().join("bad.sql")).expect_err("not utf-8");
        assert!(matches!(binary, DeclareError::NotUtf8 { .. }), "{binary}");
    }
}
