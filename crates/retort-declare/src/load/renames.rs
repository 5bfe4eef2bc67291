//! Rename hints of a declared schema: `-- retort:renamed-from` annotations in SQL files and
//! `renamed_from` / `renamed_values` keys in TOML files, with names qualified as the
//! statements' own names are.

use std::collections::{BTreeMap, BTreeSet};

use retort_catalog::{QualifiedName, RenameHint, RenameHints, RenameKind};

use crate::error::{DeclareError, SourceError};
use crate::files::{FileKind, SchemaFile, SchemaSource};
use crate::sql::annotation::{self, CreatedKind, WrittenHint};
use crate::sql::{self, PieceKind};

/// Hints gathered while reading, each with the place it was written.
#[derive(Debug, Default)]
pub(crate) struct Gathered {
    hints: Vec<(RenameHint, SourceError)>,
}

impl Gathered {
    pub(crate) fn push(&mut self, hint: RenameHint, place: SourceError) {
        self.hints.push((hint, place));
    }

    pub(crate) fn extend(&mut self, hints: Vec<(RenameHint, SourceError)>) {
        self.hints.extend(hints);
    }

    /// The hints, without checking them.
    pub(crate) fn unchecked(&self) -> RenameHints {
        let mut out = RenameHints::default();
        for (hint, _) in &self.hints {
            out.insert(hint.clone());
        }
        out
    }

    /// The hints; an object renamed from two names, or two objects renamed from one, is an
    /// error at the second hint.
    pub(crate) fn checked(&self) -> Result<RenameHints, SourceError> {
        type Key = (RenameKind, QualifiedName, Option<String>);
        let mut targets: BTreeMap<Key, String> = BTreeMap::new();
        let mut sources: BTreeMap<Key, String> = BTreeMap::new();
        for (hint, place) in &self.hints {
            let target = (hint.kind, hint.object.clone(), hint.member.clone());
            if let Some(from) = targets.get(&target)
                && *from != hint.from
            {
                let what = describe(hint);
                return Err(error_at(
                    place,
                    format!("{what} is already renamed from \"{from}\""),
                ));
            }
            targets.insert(target, hint.from.clone());
            // Two objects of a kind renamed from one name: for objects, in one schema; for
            // members, in one table or type.
            let (source, new_name) = match &hint.member {
                None => (
                    (
                        hint.kind,
                        QualifiedName::new(hint.object.schema.clone(), hint.from.as_str()),
                        None,
                    ),
                    hint.object.name.as_str().to_owned(),
                ),
                Some(member) => (
                    (hint.kind, hint.object.clone(), Some(hint.from.clone())),
                    member.clone(),
                ),
            };
            if let Some(other) = sources.get(&source)
                && *other != new_name
            {
                return Err(error_at(
                    place,
                    format!("\"{other}\" is already renamed from \"{}\"", hint.from),
                ));
            }
            sources.insert(source, new_name);
        }
        Ok(self.unchecked())
    }
}

fn describe(hint: &RenameHint) -> String {
    let kind = match hint.kind {
        RenameKind::Table => "table",
        RenameKind::Column => "column",
        RenameKind::Index => "index",
        RenameKind::Constraint => "constraint",
        RenameKind::Type => "type",
        RenameKind::Sequence => "sequence",
        RenameKind::View => "view",
        RenameKind::EnumValue => "enum label",
    };
    match &hint.member {
        None => format!("{kind} {}", hint.object),
        Some(m) => format!("{kind} \"{m}\" of {}", hint.object),
    }
}

fn error_at(place: &SourceError, message: String) -> SourceError {
    SourceError::new(
        place.file.clone(),
        place.text.clone(),
        place.span.clone(),
        message,
    )
}

/// Qualifies a hint as written: objects by their own schema or `creation_schema` (the first
/// existing schema of the search path), indexes by their table's schema (`table_schema`
/// finds an unqualified table's).
pub(crate) fn qualify(
    hint: &WrittenHint,
    creation_schema: impl Fn() -> Option<String>,
    table_schema: impl Fn(&str) -> Option<String>,
) -> Option<RenameHint> {
    let last = |parts: &[String]| parts.last().cloned();
    let schema_of = |parts: &[String]| match parts {
        [_] => None,
        [.., schema, _] => Some(schema.clone()),
        [] => None,
    };
    let name = last(&hint.object)?;
    let schema = match &hint.table {
        Some(table) => match schema_of(table) {
            Some(s) => s,
            None => table_schema(&last(table)?)?,
        },
        None => match schema_of(&hint.object) {
            Some(s) => s,
            None => creation_schema()?,
        },
    };
    Some(RenameHint {
        kind: hint.kind,
        object: QualifiedName::new(schema.as_str(), name.as_str()),
        member: hint.member.clone(),
        from: hint.from.clone(),
    })
}

/// The place of a hint written in `file`.
pub(crate) fn place(file: &SchemaFile, hint: &WrittenHint) -> SourceError {
    SourceError::new(
        file.display.clone(),
        file.text.clone(),
        hint.span.clone(),
        "renamed-from",
    )
}

/// The rename hints of `source`, read without building the catalog (for exact mode, where the
/// catalog comes from a scratch database). Gives the hints [`load`](super::load) gives:
/// unqualified names are qualified as the server would running the files in order (with the
/// search path each file sets, in the first of its schemas created so far), an index by its
/// table's schema (found along the search path among every table and view declared).
pub fn rename_hints(source: &SchemaSource) -> Result<RenameHints, DeclareError> {
    let mut gathered = Gathered::default();
    let mut schemas: BTreeSet<String> = BTreeSet::from(["public".to_owned()]);
    let mut relations: BTreeSet<QualifiedName> = BTreeSet::new();
    struct Pending<'a> {
        file: &'a SchemaFile,
        hints: Vec<WrittenHint>,
        search_path: Vec<String>,
        creation_schema: Option<String>,
    }
    let mut pending: Vec<Pending> = Vec::new();
    let toml_files: Vec<SchemaFile> = source
        .files
        .iter()
        .filter(|f| f.kind == FileKind::Toml)
        .cloned()
        .collect();
    let mut toml_done = false;
    for file in &source.files {
        match file.kind {
            FileKind::Sql => {
                let mut search_path = super::default_search_path();
                let (pieces, trailing) = sql::split_file_with_trailing(file)?;
                for piece in &pieces {
                    let hints = annotation::piece_hints(file, piece)?;
                    if piece.kind != PieceKind::Statement {
                        continue;
                    }
                    let text = piece.text(&file.text);
                    let creation_schema =
                        search_path.iter().find(|s| schemas.contains(*s)).cloned();
                    match annotation::created(text) {
                        Some(c) => {
                            let name = c.name.last().cloned().unwrap_or_default();
                            match c.kind {
                                CreatedKind::Schema => {
                                    schemas.insert(name);
                                }
                                CreatedKind::Table
                                | CreatedKind::View
                                | CreatedKind::MaterializedView => {
                                    let schema = match c.name.as_slice() {
                                        [.., s, _] => Some(s.clone()),
                                        _ => creation_schema.clone(),
                                    };
                                    if let Some(schema) = schema {
                                        relations.insert(QualifiedName::new(
                                            schema.as_str(),
                                            name.as_str(),
                                        ));
                                    }
                                }
                                _ => {}
                            }
                        }
                        None => {
                            if is_setting(text)
                                && let Some(path) = super::search_path_setting(text)
                            {
                                search_path = path;
                            }
                        }
                    }
                    if !hints.is_empty() {
                        pending.push(Pending {
                            file,
                            hints,
                            search_path: search_path.clone(),
                            creation_schema,
                        });
                    }
                }
                annotation::check_trailing(file, &trailing)?;
            }
            FileKind::Toml if !toml_done => {
                toml_done = true;
                let catalog = crate::toml_format::read_files(&toml_files)?;
                schemas.extend(catalog.schemas.keys().map(|s| s.as_str().to_owned()));
                relations.extend(catalog.tables.keys().cloned());
                relations.extend(catalog.views.keys().cloned());
                gathered.extend(crate::toml_format::renames::rename_hints(&toml_files)?);
            }
            FileKind::Toml => {}
        }
    }
    for p in &pending {
        for hint in &p.hints {
            let table_schema = |table: &str| {
                p.search_path
                    .iter()
                    .find(|s| relations.contains(&QualifiedName::new(s.as_str(), table)))
                    .cloned()
            };
            let qualified = qualify(hint, || p.creation_schema.clone(), table_schema)
                .ok_or_else(|| unresolved(p.file, hint))?;
            gathered.push(qualified, place(p.file, hint));
        }
    }
    Ok(gathered.checked()?)
}

/// The error for a hint whose object cannot be placed in a schema.
pub(crate) fn unresolved(file: &SchemaFile, hint: &WrittenHint) -> SourceError {
    let message = match &hint.table {
        Some(table) => format!(
            "renamed-from: the index's table \"{}\" is not declared",
            table.join(".")
        ),
        None => "renamed-from: no schema of the search path exists to hold the object".to_owned(),
    };
    SourceError::new(
        file.display.clone(),
        file.text.clone(),
        hint.span.clone(),
        message,
    )
}

/// `SET …` or `SELECT …set_config(…)`: a statement that may set the search path.
fn is_setting(text: &str) -> bool {
    let first = text
        .trim_start()
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .next()
        .unwrap_or("");
    first.eq_ignore_ascii_case("set") || first.eq_ignore_ascii_case("select")
}
