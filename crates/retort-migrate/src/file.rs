//! Migration files: one revision per file, plain SQL that psql can run.
//!
//! ```sql
//! -- retort revision
//! -- revision: 3f9c2a1b7d4e
//! -- parent: 1a2b3c4d5e6f
//! -- message: add feedback
//! -- created: 2026-12-01 22:10:00 UTC
//! --
//! -- hazards:
//! --   data-loss: drop column public.users.status: drops column public.users.status and its data
//!
//! -- retort:up
//! BEGIN;
//! …
//! COMMIT;
//!
//! -- retort:down
//! \q
//! BEGIN;
//! …
//! COMMIT;
//! ```
//!
//! The header is comment lines of `key: value`; `parent` is `base` for the first revision and
//! a comma-separated list for a merge. `-- retort:up` and `-- retort:down` start the sections.
//! The `\q` line that opens the down section ends the file for psql (`psql -f file` runs the up
//! section only); retort skips it. Each section is read into a [`Script`].

use std::fmt::Write as _;

use sha2::{Digest as _, Sha256};

use crate::script::{Script, ScriptError};

/// The marker line that starts the up section.
pub const UP_MARKER: &str = "-- retort:up";
/// The marker line that starts the down section.
pub const DOWN_MARKER: &str = "-- retort:down";
/// The `parent` of the first revision; also the downgrade target before every revision.
pub const BASE: &str = "base";

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
    /// The file's text, for the offline replay.
    pub text: String,
    /// 1-based lines where the up and down sections start (the marker lines).
    pub up_line: usize,
    pub down_line: usize,
}

/// A migration file that cannot be read, at a line of it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct FileError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// `sha256:<hex>` of `bytes`.
pub fn checksum(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for byte in digest {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// Whether `id` can name a revision: letters, digits and `_`, and not a word the commands
/// give a meaning (`base`, `head`, `heads`).
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(id, BASE | "head" | "heads")
}

impl Revision {
    /// Reads a migration file; `file` is how messages name it.
    pub fn parse(file: &str, text: &str) -> Result<Revision, FileError> {
        let err = |line: usize, message: String| FileError {
            file: file.to_owned(),
            line,
            message,
        };
        let mut up_at = None;
        let mut down_at = None;
        let mut offset = 0;
        for (index, line) in text.split_inclusive('\n').enumerate() {
            let trimmed = line.trim_end();
            if trimmed == UP_MARKER {
                if up_at.is_some() || down_at.is_some() {
                    return Err(err(index + 1, format!("a second `{UP_MARKER}` line")));
                }
                up_at = Some((index + 1, offset, offset + line.len()));
            } else if trimmed == DOWN_MARKER {
                if down_at.is_some() {
                    return Err(err(index + 1, format!("a second `{DOWN_MARKER}` line")));
                }
                if up_at.is_none() {
                    return Err(err(
                        index + 1,
                        format!("`{DOWN_MARKER}` before `{UP_MARKER}`"),
                    ));
                }
                down_at = Some((index + 1, offset, offset + line.len()));
            }
            offset += line.len();
        }
        let Some((up_line, up_start, up_body)) = up_at else {
            return Err(err(
                1,
                format!("no `{UP_MARKER}` line: not a migration file"),
            ));
        };
        let Some((down_line, down_start, down_body)) = down_at else {
            return Err(err(
                up_line,
                format!("no `{DOWN_MARKER}` line after `{UP_MARKER}`"),
            ));
        };
        let header = Header::parse(&text[..up_start]).map_err(|(line, m)| err(line, m))?;
        let section = |body: &str, line: usize| {
            Script::parse(body, line).map_err(|ScriptError { line, message }| err(line, message))
        };
        let up = section(&text[up_body..down_start], up_line + 1)?;
        let down = section(&text[down_body..], down_line + 1)?;
        Ok(Revision {
            id: header.id,
            parents: header.parents,
            message: header.message,
            created: header.created,
            file: file.to_owned(),
            checksum: checksum(text.as_bytes()),
            up,
            down,
            text: text.to_owned(),
            up_line,
            down_line,
        })
    }

    /// The file's text with everything but the up section blanked out (newlines kept, so
    /// line and column numbers stay those of the file): what the offline replay reads.
    pub fn up_text(&self) -> String {
        let mut out = String::with_capacity(self.text.len());
        for (index, line) in self.text.split_inclusive('\n').enumerate() {
            let number = index + 1;
            if number > self.up_line && number < self.down_line {
                out.push_str(line);
            } else if line.ends_with('\n') {
                out.push('\n');
            }
        }
        out
    }
}

/// The header's fields.
struct Header {
    id: String,
    parents: Vec<String>,
    message: String,
    created: String,
}

impl Header {
    fn parse(text: &str) -> Result<Header, (usize, String)> {
        let mut id = None;
        let mut parents = None;
        let mut message = None;
        let mut created = None;
        for (index, line) in text.lines().enumerate() {
            let line_no = index + 1;
            let Some(comment) = line.trim().strip_prefix("--") else {
                if line.trim().is_empty() {
                    continue;
                }
                return Err((
                    line_no,
                    format!("SQL before `{UP_MARKER}`: the header is comment lines only"),
                ));
            };
            let Some((key, value)) = comment.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match key.trim() {
                "revision" => {
                    if !valid_id(value) {
                        return Err((
                            line_no,
                            format!(
                                "revision id {value:?} is not valid (letters, digits and _; not \
                                 base, head or heads)"
                            ),
                        ));
                    }
                    id = Some(value.to_owned());
                }
                "parent" | "parents" => {
                    let list: Vec<String> = if value == BASE {
                        Vec::new()
                    } else {
                        value
                            .split(',')
                            .map(|p| p.trim().to_owned())
                            .filter(|p| !p.is_empty())
                            .collect()
                    };
                    if list.is_empty() && value != BASE {
                        return Err((line_no, format!("parent is empty: write `{BASE}`")));
                    }
                    if let Some(bad) = list.iter().find(|p| !valid_id(p)) {
                        return Err((line_no, format!("parent {bad:?} is not a revision id")));
                    }
                    parents = Some(list);
                }
                "message" => message = Some(value.to_owned()),
                "created" => created = Some(value.to_owned()),
                _ => {}
            }
        }
        let missing = |what: &str| (1, format!("the header has no `-- {what}:` line"));
        Ok(Header {
            id: id.ok_or_else(|| missing("revision"))?,
            parents: parents.ok_or_else(|| missing("parent"))?,
            message: message.unwrap_or_default(),
            created: created.unwrap_or_default(),
        })
    }
}

/// What a new migration file holds.
#[derive(Clone, Debug, Default)]
pub struct NewFile {
    pub id: String,
    pub parents: Vec<String>,
    pub message: String,
    pub created: String,
    /// One line each (`data-loss: drop column …`), listed in the header.
    pub hazards: Vec<String>,
    pub up: String,
    pub down: String,
}

impl NewFile {
    /// The file's text. Empty sections get a comment saying so.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("-- retort revision\n");
        let _ = writeln!(out, "-- revision: {}", self.id);
        let parents = if self.parents.is_empty() {
            BASE.to_owned()
        } else {
            self.parents.join(", ")
        };
        let _ = writeln!(out, "-- parent: {parents}");
        let _ = writeln!(out, "-- message: {}", one_line(&self.message));
        let _ = writeln!(out, "-- created: {}", self.created);
        if !self.hazards.is_empty() {
            out.push_str("--\n-- hazards:\n");
            for hazard in &self.hazards {
                let _ = writeln!(out, "--   {}", one_line(hazard));
            }
        }
        out.push('\n');
        out.push_str(UP_MARKER);
        out.push('\n');
        push_section(&mut out, &self.up, "-- (nothing to do)\n");
        out.push('\n');
        out.push_str(DOWN_MARKER);
        out.push('\n');
        out.push_str("\\q\n");
        push_section(&mut out, &self.down, "-- (nothing to undo)\n");
        out
    }
}

fn push_section(out: &mut String, sql: &str, empty: &str) {
    if sql.trim().is_empty() {
        out.push_str(empty);
    } else {
        out.push_str(sql);
        if !sql.ends_with('\n') {
            out.push('\n');
        }
    }
}

/// A moment as the header's `created` (`2026-12-01 22:10:00 UTC`) and as a file name's
/// `{timestamp}` (`20261201_2210`), from seconds since the Unix epoch; `None` out of range.
pub fn timestamps(unix_seconds: i64) -> Option<(String, String)> {
    use time::macros::format_description;
    let at = time::OffsetDateTime::from_unix_timestamp(unix_seconds).ok()?;
    let created = at
        .format(format_description!(
            "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
        ))
        .ok()?;
    let stamp = at
        .format(format_description!("[year][month][day]_[hour][minute]"))
        .ok()?;
    Some((created, stamp))
}

/// Text on one line, for header values.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A revision id for a new file: 12 hex digits of the SHA-256 of what the file records, so
/// the same inputs always give the same id and no randomness is involved.
pub fn new_id(parents: &[String], message: &str, created: &str, up: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [parents.join(",").as_str(), message, created, up] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    let mut out = String::with_capacity(12);
    for byte in hasher.finalize().iter().take(6) {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// The message as a file-name part: lower-case letters and digits, `_` between words, at most
/// 40 characters; `revision` when nothing is left.
pub fn slug(message: &str) -> String {
    const MAX: usize = 40;
    let mut out = String::new();
    for c in message.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
        if out.len() > MAX {
            // Cut at the last word that fits whole (a single long word is cut).
            let cut = out[..MAX].rfind('_').unwrap_or(MAX);
            out.truncate(cut);
            break;
        }
    }
    let out = out.trim_end_matches('_').to_owned();
    if out.is_empty() {
        "revision".to_owned()
    } else {
        out
    }
}

/// A revision written and read back, for tests.
#[cfg(test)]
pub(crate) fn test_revision(
    id: &str,
    parents: &[&str],
    file: &str,
    up: &str,
    down: &str,
) -> Revision {
    let text = NewFile {
        id: id.into(),
        parents: parents.iter().map(|p| (*p).to_owned()).collect(),
        message: id.into(),
        created: "2026-12-01 00:00:00 UTC".into(),
        hazards: Vec::new(),
        up: up.into(),
        down: down.into(),
    }
    .render();
    match Revision::parse(file, &text) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> NewFile {
        NewFile {
            id: "3f9c2a1b7d4e".into(),
            parents: vec!["1a2b3c4d5e6f".into()],
            message: "add feedback\nand more".into(),
            created: "2026-12-01 22:10:00 UTC".into(),
            hazards: vec!["data-loss: drop table public.old".into()],
            up: "BEGIN;\n\n-- create table public.feedback\nCREATE TABLE public.feedback (id int);\n\n\
                 -- drop table public.old\nDROP TABLE public.old;\n\nCOMMIT;\n"
                .into(),
            down: "BEGIN;\nDROP TABLE public.feedback;\nCOMMIT;\n".into(),
        }
    }

    #[test]
    fn a_written_file_reads_back() {
        let text = sample().render();
        let revision = match Revision::parse("migrations/x.sql", &text) {
            Ok(r) => r,
            Err(e) => panic!("{e}\n{text}"),
        };
        assert_eq!(revision.id, "3f9c2a1b7d4e");
        assert_eq!(revision.parents, vec!["1a2b3c4d5e6f".to_owned()]);
        assert_eq!(revision.message, "add feedback and more");
        assert_eq!(revision.created, "2026-12-01 22:10:00 UTC");
        assert_eq!(revision.checksum, checksum(text.as_bytes()));
        let up: Vec<&str> = revision.up.statements().map(|s| s.text.as_str()).collect();
        assert_eq!(
            up,
            vec![
                "CREATE TABLE public.feedback (id int)",
                "DROP TABLE public.old"
            ]
        );
        assert_eq!(revision.down.statements().count(), 1);
        // Lines are the file's.
        let create = revision.up.statements().next().map(|s| s.line);
        let expected = text
            .lines()
            .position(|l| l.starts_with("CREATE TABLE"))
            .map(|i| i + 1);
        assert_eq!(create, expected);
        // The replay text keeps the up section where it was and nothing else.
        let up_text = revision.up_text();
        assert_eq!(up_text.lines().count(), text.lines().count());
        assert!(up_text.contains("CREATE TABLE public.feedback"));
        assert!(!up_text.contains("DROP TABLE public.feedback"));
        assert!(!up_text.contains("revision:"));
    }

    #[test]
    fn the_first_revision_and_merges() {
        let mut file = sample();
        file.parents = Vec::new();
        file.up = String::new();
        let text = file.render();
        assert!(text.contains("-- parent: base\n"), "{text}");
        assert!(text.contains("-- (nothing to do)\n"), "{text}");
        let revision = Revision::parse("m.sql", &text).map_err(|e| e.to_string());
        assert!(matches!(&revision, Ok(r) if r.parents.is_empty() && r.up.is_empty()));
        file.parents = vec!["a1".into(), "b2".into()];
        let revision = Revision::parse("m.sql", &file.render()).map_err(|e| e.to_string());
        assert!(
            matches!(&revision, Ok(r) if r.parents == ["a1", "b2"]),
            "{revision:?}"
        );
    }

    #[test]
    fn bad_files_name_file_and_line() {
        let err = |text: &str| match Revision::parse("migrations/bad.sql", text) {
            Ok(r) => panic!("parsed {r:?}"),
            Err(e) => e.to_string(),
        };
        assert_eq!(
            err("CREATE TABLE t ();\n"),
            "migrations/bad.sql:1: no `-- retort:up` line: not a migration file"
        );
        assert_eq!(
            err("-- revision: a\n-- parent: base\n-- retort:up\nSELECT 1;\n"),
            "migrations/bad.sql:3: no `-- retort:down` line after `-- retort:up`"
        );
        assert_eq!(
            err("-- revision: head\n-- parent: base\n-- retort:up\n-- retort:down\n"),
            "migrations/bad.sql:1: revision id \"head\" is not valid (letters, digits and _; not \
             base, head or heads)"
        );
        assert_eq!(
            err("-- parent: base\n-- retort:up\n-- retort:down\n"),
            "migrations/bad.sql:1: the header has no `-- revision:` line"
        );
        assert_eq!(
            err(
                "-- revision: a\n-- parent: base\n-- retort:up\nBEGIN;\nSELECT 1;\n-- retort:down\n"
            ),
            "migrations/bad.sql:4: BEGIN without a COMMIT after it"
        );
    }

    #[test]
    fn ids_and_slugs_are_stable() {
        let a = new_id(&[], "init", "2026-12-01 22:10:00 UTC", "CREATE TABLE t ()");
        assert_eq!(a.len(), 12);
        assert_eq!(
            a,
            new_id(&[], "init", "2026-12-01 22:10:00 UTC", "CREATE TABLE t ()")
        );
        assert_ne!(
            a,
            new_id(&[], "init", "2026-12-01 22:10:01 UTC", "CREATE TABLE t ()")
        );
        assert_eq!(
            slug("Add feedback: users' ratings!"),
            "add_feedback_users_ratings"
        );
        assert_eq!(slug("???"), "revision");
        assert!(slug(&"x".repeat(100)).len() == 40);
        assert_eq!(
            slug("feedback, citations, summaries view and row level security"),
            "feedback_citations_summaries_view_and"
        );
        assert_eq!(
            timestamps(1_764_627_000),
            Some((
                "2025-12-01 22:10:00 UTC".to_owned(),
                "20251201_2210".to_owned()
            ))
        );
    }
}
