//! The version table's name: parsed from the command line, quoted for SQL, hashed into the
//! advisory lock key.

use std::fmt;
use std::str::FromStr;

use retort_sql::quote::quote_ident;
use sha2::{Digest, Sha256};

/// Where the runner records applied revisions: `schema.name`.
///
/// Both parts are raw names, exactly as `pg_catalog` stores them. [`FromStr`] reads them as SQL
/// writes them: `name` (schema `public`) or `schema.name`, each part either bare (folded to lower
/// case, as PostgreSQL folds unquoted names) or double-quoted (kept exactly, `""` for a quote
/// inside). [`fmt::Display`] writes that SQL form back, always schema-qualified, so it parses to
/// the same table again.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VersionTable {
    pub schema: String,
    pub name: String,
}

impl VersionTable {
    /// The table's name when none is given.
    pub const DEFAULT_NAME: &'static str = "retort_version";

    /// A table named `name` (raw) in `schema` (raw).
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> VersionTable {
        VersionTable {
            schema: schema.into(),
            name: name.into(),
        }
    }

    /// The statements that create the version table (and its schema) when missing.
    pub fn create_sql(&self) -> String {
        let mut sql = String::new();
        if self.schema != "public" {
            sql.push_str(&format!(
                "CREATE SCHEMA IF NOT EXISTS {};\n",
                self.quoted_schema()
            ));
        }
        sql.push_str(&format!(
            "CREATE TABLE IF NOT EXISTS {self} (\n\
             \x20   revision text PRIMARY KEY,\n\
             \x20   checksum text NOT NULL,\n\
             \x20   state text NOT NULL CHECK (state IN ('applied', 'upgrading', 'downgrading')),\n\
             \x20   segments_done integer NOT NULL,\n\
             \x20   segments_total integer NOT NULL,\n\
             \x20   applied_at timestamp with time zone NOT NULL DEFAULT pg_catalog.now(),\n\
             \x20   seq bigint GENERATED ALWAYS AS IDENTITY\n\
             );\n"
        ));
        sql
    }

    /// The schema as an SQL identifier, quoted as needed.
    pub fn quoted_schema(&self) -> String {
        quote_ident(&self.schema)
    }

    /// The session-level advisory lock key that serializes runners of this table: the first 8
    /// bytes (big-endian) of the SHA-256 of `retort:` followed by the quoted qualified name. The
    /// quoted form is unambiguous (`"a.b".c` and `a."b.c"` are different keys) and the key is
    /// the same in every process and release.
    pub fn lock_key(&self) -> i64 {
        let digest = Sha256::digest(format!("retort:{self}").as_bytes());
        let mut first = [0u8; 8];
        for (to, from) in first.iter_mut().zip(digest.iter()) {
            *to = *from;
        }
        i64::from_be_bytes(first)
    }
}

impl Default for VersionTable {
    /// `public.retort_version`.
    fn default() -> VersionTable {
        VersionTable::new("public", VersionTable::DEFAULT_NAME)
    }
}

impl fmt::Display for VersionTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}",
            quote_ident(&self.schema),
            quote_ident(&self.name)
        )
    }
}

/// Why a version table name could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid version table name {input:?}: {reason}")]
pub struct VersionTableError {
    pub input: String,
    pub reason: String,
}

impl FromStr for VersionTable {
    type Err = VersionTableError;

    fn from_str(input: &str) -> Result<VersionTable, VersionTableError> {
        let fail = |reason: &str| VersionTableError {
            input: input.to_owned(),
            reason: reason.to_owned(),
        };
        let parts = split_parts(input).map_err(|reason| fail(&reason))?;
        match <[String; 2]>::try_from(parts) {
            Ok([schema, name]) => Ok(VersionTable { schema, name }),
            Err(parts) => match <[String; 1]>::try_from(parts) {
                Ok([name]) => Ok(VersionTable::new("public", name)),
                Err(_) => Err(fail("expected `name` or `schema.name`")),
            },
        }
    }
}

/// Dot-separated name parts, each bare (folded to lower case) or double-quoted.
fn split_parts(input: &str) -> Result<Vec<String>, String> {
    let mut parts = Vec::new();
    let mut chars = input.chars().peekable();
    loop {
        let mut part = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        part.push('"');
                    }
                    Some('"') => break,
                    Some(c) => part.push(c),
                    None => return Err("unterminated quoted name".to_owned()),
                }
            }
            if part.is_empty() {
                return Err("a quoted name cannot be empty".to_owned());
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == '.' {
                    break;
                }
                let first = part.is_empty();
                let fits =
                    c == '_' || c.is_alphabetic() || (!first && (c.is_ascii_digit() || c == '$'));
                if !fits {
                    return Err(format!(
                        "{c:?} cannot appear in an unquoted name (write the part in double quotes)"
                    ));
                }
                // PostgreSQL folds only ASCII letters; others stay as written.
                part.push(c.to_ascii_lowercase());
                chars.next();
            }
            if part.is_empty() {
                return Err("empty name part".to_owned());
            }
        }
        parts.push(part);
        match chars.next() {
            None => return Ok(parts),
            Some('.') => {}
            Some(c) => return Err(format!("unexpected {c:?} after a quoted name")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &str) -> Result<VersionTable, String> {
        input.parse::<VersionTable>().map_err(|e| e.reason)
    }

    #[test]
    fn a_bare_name_is_in_public_and_a_dotted_one_names_its_schema() {
        assert_eq!(
            parse("retort_version"),
            Ok(VersionTable::new("public", "retort_version"))
        );
        assert_eq!(
            parse("ops.versions"),
            Ok(VersionTable::new("ops", "versions"))
        );
        assert_eq!(
            parse("Ops.Versions"),
            Ok(VersionTable::new("ops", "versions"))
        );
        assert_eq!(VersionTable::default().to_string(), "public.retort_version");
    }

    #[test]
    fn empty_parts_and_extra_dots_are_refused() {
        for bad in [
            "", ".", "a.", ".a", "a..b", "a.b.c", "\"\"", "a b", "1abc", "\"a", "\"a\"b",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} parsed");
        }
        let err = "a.b.c".parse::<VersionTable>().map(|_| ());
        assert_eq!(
            err.map_err(|e| e.to_string()),
            Err(
                "invalid version table name \"a.b.c\": expected `name` or `schema.name`".to_owned()
            )
        );
    }

    #[test]
    fn names_that_need_quotes_are_quoted_and_read_back() {
        let odd = VersionTable::new("My Schema", "Odd\"Name");
        assert_eq!(odd.to_string(), "\"My Schema\".\"Odd\"\"Name\"");
        assert_eq!(parse(&odd.to_string()), Ok(odd.clone()));
        assert_eq!(
            parse("\"Odd\"\"Name\""),
            Ok(VersionTable::new("public", "Odd\"Name"))
        );
        assert_eq!(parse("\"a.b\".c"), Ok(VersionTable::new("a.b", "c")));
        // A keyword is quoted; a plain name is not.
        assert_eq!(
            VersionTable::new("public", "select").to_string(),
            "public.\"select\""
        );
        assert_eq!(odd.quoted_schema(), "\"My Schema\"");
    }

    #[test]
    fn lock_keys_are_stable_and_tell_tables_apart() {
        let a = VersionTable::new("a.b", "c");
        let b = VersionTable::new("a", "b.c");
        assert_ne!(a.lock_key(), b.lock_key());
        assert_eq!(a.lock_key(), VersionTable::new("a.b", "c").lock_key());
        // Fixed by the definition: sha256("retort:public.retort_version")[..8].
        let digest = Sha256::digest(b"retort:public.retort_version");
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        assert_eq!(
            VersionTable::default().lock_key(),
            i64::from_be_bytes(first)
        );
    }
}
