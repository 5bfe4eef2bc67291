//! Declared SQL read offline: every statement of the schema files is applied, in file order, to
//! an in-memory [`Catalog`], in PostgreSQL's canonical forms (type spellings, implicit names,
//! serial columns, expressions as `pg_get_expr` prints them), so that the result equals what
//! introspecting a database built from the same files gives.
//!
//! The [`Loader`] is a replay: `CREATE`, `ALTER`, `DROP` and `COMMENT ON` change the catalog as
//! the server would. What it cannot reproduce exactly is either an error at the statement
//! (DDL it does not interpret) or, where the object can still be kept, an [`Approximation`]
//! that names the place and says what may differ; exact mode (a scratch database) has neither.

mod function;
pub mod names;
mod objects;
mod rename_object;
mod renames;
mod scope;
mod table;
mod toml;

use std::ops::Range;
use std::sync::Arc;

use retort_catalog::{Catalog, Ident, QualifiedName, RenameHints};
use sqlparser::ast::{DataType, Ident as SqlIdent, ObjectName, ObjectNamePart};

use crate::error::{DeclareError, SourceError};
use crate::files::{FileKind, SchemaFile, SchemaSource};
use crate::sql::{self, Dropped, ParsedStatement};

pub use renames::rename_hints;
pub use scope::builtin_type;

use crate::sql::annotation::WrittenHint;

/// The outcome of reading declared files offline.
#[derive(Debug, Default)]
pub struct Loaded {
    pub catalog: Catalog,
    /// Places where the catalog may not be exactly what PostgreSQL would store.
    pub approximations: Vec<Approximation>,
    /// The rename hints written in the files (`-- retort:renamed-from`, `renamed_from`).
    pub renames: RenameHints,
}

/// Something kept in a form that may differ from PostgreSQL's own.
#[derive(Debug, Clone)]
pub struct Approximation {
    /// Where, and why (the message says what may differ).
    pub at: SourceError,
}

/// Reads every file of `source` offline, as declared state: SQL files are read in order (each
/// with the default search path to begin with); TOML files are read into one catalog and
/// merged in where the first of them stands.
///
/// Declared files need not be in dependency order: a statement that cannot be applied yet (it
/// names an object another file creates later) is tried again once the others are applied,
/// until nothing more can be; what still fails is the error. So the same files give the same
/// catalog whatever their order.
pub fn load(source: &SchemaSource) -> Result<Loaded, DeclareError> {
    let mut loader = Loader::new();
    let toml_files: Vec<SchemaFile> = source
        .files
        .iter()
        .filter(|f| f.kind == FileKind::Toml)
        .cloned()
        .collect();
    let mut toml_done = false;
    let mut deferred: Vec<Deferred> = Vec::new();
    for file in &source.files {
        match file.kind {
            FileKind::Sql => {
                loader.search_path = default_search_path();
                for (statement, search_path, hints) in loader.statements(file)? {
                    if let Err(error) = loader.try_apply(file, &statement, &search_path, &hints) {
                        deferred.push(Deferred {
                            file: file.clone(),
                            statement,
                            search_path,
                            hints,
                            error,
                        });
                    }
                }
            }
            FileKind::Toml if !toml_done => {
                toml_done = true;
                let catalog = crate::toml_format::read_files(&toml_files)?;
                loader
                    .renames
                    .extend(crate::toml_format::renames::rename_hints(&toml_files)?);
                loader.merge(catalog.clone());
                loader.current = Some((file.display.clone(), file.text.clone(), 0..0));
                loader.canonicalize_declared(&catalog);
                loader.current = None;
            }
            FileKind::Toml => {}
        }
    }
    loop {
        let before = deferred.len();
        let mut still = Vec::new();
        for mut d in deferred {
            if let Err(error) = loader.try_apply(&d.file, &d.statement, &d.search_path, &d.hints) {
                d.error = error;
                still.push(d);
            }
        }
        deferred = still;
        if deferred.is_empty() || deferred.len() == before {
            break;
        }
    }
    if let Some(first) = deferred.into_iter().next() {
        return Err(first.error.into());
    }
    let renames = loader.renames.checked()?;
    Ok(Loaded {
        renames,
        ..loader.finish()
    })
}

/// A statement that could not be applied yet.
struct Deferred {
    file: SchemaFile,
    statement: ParsedStatement,
    search_path: Vec<String>,
    hints: Vec<WrittenHint>,
    error: SourceError,
}

fn default_search_path() -> Vec<String> {
    vec!["public".to_owned()]
}

/// Reads one SQL text offline, named `display` in errors.
pub fn load_sql(display: &str, text: &str) -> Result<Loaded, SourceError> {
    let file = SchemaFile {
        path: display.into(),
        display: display.to_owned(),
        kind: FileKind::Sql,
        text: Arc::from(text),
    };
    let mut loader = Loader::new();
    loader.apply_file(&file)?;
    let renames = loader.renames.checked()?;
    Ok(Loaded {
        renames,
        ..loader.finish()
    })
}

/// A problem with one statement, placed by the caller.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub message: String,
    /// Where in the statement: a span sqlparser gave (lines and columns in the statement's
    /// text), and text to look for inside it to narrow it further.
    pub near: Option<(sqlparser::tokenizer::Span, Option<String>)>,
}

impl Problem {
    pub fn new(message: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            near: None,
        }
    }

    /// Places the problem at `span` (unless it is placed already), at `needle` inside it when
    /// given and found.
    pub fn within(mut self, span: sqlparser::tokenizer::Span, needle: Option<&str>) -> Self {
        if self.near.is_none() && span != sqlparser::tokenizer::Span::empty() {
            self.near = Some((span, needle.map(str::to_owned)));
        }
        self
    }

    /// The byte range in `text` (a statement) the problem points at.
    fn range_in(&self, text: &str) -> Option<Range<usize>> {
        let (span, needle) = self.near.as_ref()?;
        let start = sql::offset_of(text, span.start.line as usize, span.start.column as usize);
        let end = sql::offset_of(text, span.end.line as usize, span.end.column as usize).max(start);
        if let Some(needle) = needle {
            let region = text[start..].to_ascii_lowercase();
            if let Some(at) = region.find(&needle.to_ascii_lowercase()) {
                return Some(start + at..start + at + needle.len());
            }
        }
        Some(start..end)
    }
}

impl From<String> for Problem {
    fn from(message: String) -> Self {
        Problem::new(message)
    }
}

impl From<&str> for Problem {
    fn from(message: &str) -> Self {
        Problem::new(message)
    }
}

pub(crate) type Result<T, E = Problem> = std::result::Result<T, E>;

/// Applies declared statements to a catalog, in order.
#[derive(Debug)]
pub struct Loader {
    pub(crate) catalog: Catalog,
    /// Schemas unqualified names resolve in, in order (`SET search_path`).
    pub(crate) search_path: Vec<String>,
    approximations: std::cell::RefCell<Vec<Approximation>>,
    /// The output columns of each view whose query was canonicalized (the catalog keeps
    /// only the definition), for the views and expressions that read it.
    pub(crate) view_columns:
        std::collections::BTreeMap<QualifiedName, Vec<(String, crate::canon::expr::ResolvedType)>>,
    /// Constraint names by schema, for implicit names; `None` when it must be built again.
    pub(crate) constraint_names: std::cell::RefCell<Option<table::ConstraintNames>>,
    /// The statement being applied, for approximations.
    current: Option<(String, Arc<str>, Range<usize>)>,
    /// The rename hints of the statements applied so far (and of TOML files).
    renames: renames::Gathered,
    /// The `SEQUENCE NAME`s of the identity columns the statement being applied defines, in
    /// order (`None` where one names no sequence).
    pub(crate) identity_names: std::collections::VecDeque<Option<ObjectName>>,
}

impl Default for Loader {
    fn default() -> Self {
        Self::new()
    }
}

impl Loader {
    /// A loader for an empty database: the `public` schema exists, the search path is
    /// PostgreSQL's default (`"$user", public`).
    pub fn new() -> Self {
        let mut catalog = Catalog::default();
        catalog.insert(retort_catalog::Schema {
            name: Ident::new("public"),
            comment: Some("standard public schema".to_owned()),
        });
        Loader {
            catalog,
            search_path: default_search_path(),
            approximations: Default::default(),
            view_columns: Default::default(),
            constraint_names: Default::default(),
            current: None,
            renames: Default::default(),
            identity_names: Default::default(),
        }
    }

    /// Starts a new session: the search path is PostgreSQL's default again (each migration
    /// file runs in a session of its own).
    pub fn reset_session(&mut self) {
        self.search_path = default_search_path();
    }

    /// The catalog so far.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    pub fn finish(self) -> Loaded {
        Loaded {
            catalog: self.catalog,
            approximations: self.approximations.into_inner(),
            renames: self.renames.unchecked(),
        }
    }

    /// Adds every object of `other` (a catalog read from TOML) to the catalog.
    pub fn merge(&mut self, other: Catalog) {
        self.constraint_names.get_mut().take();
        let Catalog {
            schemas,
            extensions,
            collations,
            enums,
            domains,
            composite_types,
            sequences,
            tables,
            indexes,
            views,
            functions,
            triggers,
        } = other;
        self.catalog.schemas.extend(schemas);
        self.catalog.extensions.extend(extensions);
        self.catalog.collations.extend(collations);
        self.catalog.enums.extend(enums);
        self.catalog.domains.extend(domains);
        self.catalog.composite_types.extend(composite_types);
        self.catalog.sequences.extend(sequences);
        self.catalog.tables.extend(tables);
        self.catalog.indexes.extend(indexes);
        self.catalog.views.extend(views);
        self.catalog.functions.extend(functions);
        self.catalog.triggers.extend(triggers);
    }

    /// Applies every statement of a SQL file in order, as a migration replays; the first
    /// statement that cannot be applied is an error at its place.
    pub fn apply_file(&mut self, file: &SchemaFile) -> Result<(), SourceError> {
        for (statement, search_path, hints) in self.statements(file)? {
            self.try_apply(file, &statement, &search_path, &hints)?;
        }
        Ok(())
    }

    /// Replays a migration's SQL file: every schema statement is applied in order, as
    /// [`apply_file`](Self::apply_file) does; statements that change data or the session's
    /// transaction ([`sql::is_carried`]: `UPDATE`, `DO`, `BEGIN`, `COMMIT`, …) are carried
    /// without being interpreted, and `-- retort:` comments are not read as rename hints.
    /// Returns how many statements were carried. The first schema statement that cannot be
    /// applied is an error at its place.
    pub fn replay_file(&mut self, file: &SchemaFile) -> Result<usize, SourceError> {
        let pieces = sql::split_file(file)?;
        let mut carried = 0;
        for piece in &pieces {
            let text = piece.text(&file.text);
            if piece.kind == sql::PieceKind::Statement && sql::is_carried(text) {
                carried += 1;
                continue;
            }
            match sql::parse_piece(file, piece)? {
                Ok(statement) => {
                    let search_path = self.search_path.clone();
                    self.try_apply(file, &statement, &search_path, &[])?;
                }
                Err(Dropped::Session) => self.session_setting(text),
                Err(_) => {}
            }
        }
        Ok(carried)
    }

    /// The statements of a file, each with the search path in force where it stands and its
    /// rename hints (the loader's search path is left as the file's end sets it).
    #[allow(clippy::type_complexity)]
    fn statements(
        &mut self,
        file: &SchemaFile,
    ) -> Result<Vec<(ParsedStatement, Vec<String>, Vec<WrittenHint>)>, SourceError> {
        let (pieces, trailing) = sql::split_file_with_trailing(file)?;
        let mut out = Vec::new();
        for piece in &pieces {
            let hints = sql::annotation::piece_hints(file, piece)?;
            match sql::parse_piece(file, piece)? {
                Ok(statement) => out.push((statement, self.search_path.clone(), hints)),
                Err(Dropped::Session) => self.session_setting(piece.text(&file.text)),
                Err(_) => {}
            }
        }
        sql::annotation::check_trailing(file, &trailing)?;
        Ok(out)
    }

    /// Applies one statement of `file` with `search_path`; on failure the catalog and the
    /// approximations are as before.
    fn try_apply(
        &mut self,
        file: &SchemaFile,
        statement: &ParsedStatement,
        search_path: &[String],
        hints: &[WrittenHint],
    ) -> Result<(), SourceError> {
        let saved_path = std::mem::replace(&mut self.search_path, search_path.to_vec());
        self.current = Some((
            file.display.clone(),
            file.text.clone(),
            statement.span.clone(),
        ));
        let noted = self.approximations.borrow().len();
        let applied = self.apply(statement);
        let qualified = match applied {
            Ok(()) => self.qualify_hints(file, hints),
            Err(_) => Ok(Vec::new()),
        };
        self.current = None;
        self.search_path = saved_path;
        let Err(problem) = applied else {
            for (hint, place) in qualified? {
                self.renames.push(hint, place);
            }
            return Ok(());
        };
        self.approximations.borrow_mut().truncate(noted);
        self.constraint_names.get_mut().take();
        let span = match problem.range_in(&statement.text) {
            Some(inner) => statement.span.start + inner.start..statement.span.start + inner.end,
            None => statement_head(statement),
        };
        Err(SourceError::new(
            file.display.clone(),
            file.text.clone(),
            span,
            problem.message,
        ))
    }

    /// The hints of a statement just applied, qualified as its names were.
    fn qualify_hints(
        &self,
        file: &SchemaFile,
        hints: &[WrittenHint],
    ) -> Result<Vec<(retort_catalog::RenameHint, SourceError)>, SourceError> {
        let mut out = Vec::with_capacity(hints.len());
        for hint in hints {
            let table_schema = |table: &str| {
                self.search_path
                    .iter()
                    .map(|s| QualifiedName::new(s.as_str(), table))
                    .find(|q| {
                        self.catalog.tables.contains_key(q) || self.catalog.views.contains_key(q)
                    })
                    .map(|q| q.schema.as_str().to_owned())
            };
            let qualified = renames::qualify(hint, || self.creation_schema().ok(), table_schema)
                .ok_or_else(|| renames::unresolved(file, hint))?;
            out.push((qualified, renames::place(file, hint)));
        }
        Ok(out)
    }

    /// Applies one statement.
    pub(crate) fn apply(&mut self, statement: &ParsedStatement) -> Result<()> {
        match &statement.parsed {
            sql::Parsed::Sql(s) => self.apply_sql(s, statement),
            sql::Parsed::Retort(r) => self.apply_retort(r, statement),
            sql::Parsed::Ignored(_) => Ok(()),
        }
    }

    /// Records that the current statement is kept in a form that may differ from the server's.
    pub(crate) fn approximate(&self, message: impl Into<String>) {
        if let Some((file, text, span)) = &self.current {
            let at = SourceError::new(file.clone(), text.clone(), span.clone(), message);
            self.approximations.borrow_mut().push(Approximation { at });
        }
    }

    /// The text of `expr` as written in the statement being applied (sqlparser's spans), else
    /// as sqlparser prints it.
    pub(crate) fn source_of(&self, expr: &sqlparser::ast::Expr) -> String {
        use sqlparser::ast::Spanned as _;
        let span = expr.span();
        if let Some((_, text, statement)) = &self.current
            && span != sqlparser::tokenizer::Span::empty()
            && let Some(statement_text) = text.get(statement.clone())
        {
            let at = |l: u64, c: u64| sql::offset_of(statement_text, l as usize, c as usize);
            let (start, end) = (
                at(span.start.line, span.start.column),
                at(span.end.line, span.end.column),
            );
            // A span may end at the start of its last token: take the shortest text from the
            // span's start that reads back as the same expression.
            let mut ends: Vec<usize> = (end..statement_text.len().min(end + 8) + 1).collect();
            ends.retain(|e| statement_text.is_char_boundary(*e));
            for e in ends {
                if let Some(written) = statement_text.get(start..e)
                    && !written.trim().is_empty()
                    && sql::parse_expr(written).is_ok_and(|parsed| parsed == *expr)
                {
                    return written.trim().to_owned();
                }
            }
        }
        expr.to_string()
    }

    /// `SET search_path = …` / `SELECT pg_catalog.set_config('search_path', '…', …)`; other
    /// settings change nothing in the catalog.
    fn session_setting(&mut self, text: &str) {
        if let Some(path) = search_path_setting(text) {
            self.search_path = path;
        }
    }

    /// The schema new unqualified objects go to: the first schema of the search path that
    /// exists.
    pub(crate) fn creation_schema(&self) -> Result<String> {
        self.search_path
            .iter()
            .find(|s| self.catalog.schemas.contains_key(&Ident::new(s.as_str())))
            .cloned()
            .ok_or_else(|| Problem::new("no schema has been selected to create in"))
    }

    /// `name` qualified for creating an object: its own schema, else the creation schema.
    pub(crate) fn new_name(&self, name: &ObjectName) -> Result<QualifiedName> {
        let parts = name_parts(name)?;
        match parts.as_slice() {
            [name] => Ok(QualifiedName::new(self.creation_schema()?, name.as_str())),
            [.., schema, name] => {
                if !self
                    .catalog
                    .schemas
                    .contains_key(&Ident::new(schema.as_str()))
                {
                    return Err(Problem::new(format!("schema \"{schema}\" does not exist")));
                }
                Ok(QualifiedName::new(schema.as_str(), name.as_str()))
            }
            [] => Err(Problem::new("empty name")),
        }
    }

    /// Resolves `name` to an existing object: a qualified name as it is, an unqualified one in
    /// the first schema of the search path where `exists` finds it.
    pub(crate) fn resolve(
        &self,
        name: &ObjectName,
        exists: impl Fn(&QualifiedName) -> bool,
    ) -> Result<Option<QualifiedName>> {
        let parts = name_parts(name)?;
        match parts.as_slice() {
            [name] => Ok(self
                .search_path
                .iter()
                .map(|s| QualifiedName::new(s.as_str(), name.as_str()))
                .find(|q| exists(q))),
            [.., schema, name] => {
                let q = QualifiedName::new(schema.as_str(), name.as_str());
                Ok(exists(&q).then_some(q))
            }
            [] => Err(Problem::new("empty name")),
        }
    }

    /// A table, view or materialized view by name.
    pub(crate) fn resolve_relation(&self, name: &ObjectName) -> Result<QualifiedName> {
        self.resolve(name, |q| {
            self.catalog.tables.contains_key(q) || self.catalog.views.contains_key(q)
        })?
        .ok_or_else(|| Problem::new(format!("relation \"{}\" does not exist", display(name))))
    }

    /// A table by name.
    pub(crate) fn resolve_table(&self, name: &ObjectName) -> Result<QualifiedName> {
        self.resolve(name, |q| self.catalog.tables.contains_key(q))?
            .ok_or_else(|| Problem::new(format!("table \"{}\" does not exist", display(name))))
    }

    /// A written type, canonicalized.
    pub(crate) fn resolve_type(&self, data_type: &DataType) -> Result<retort_catalog::TypeRef> {
        scope::resolve_type(self, data_type)
    }
}

/// The span of a statement's first line, for errors about the whole statement.
fn statement_head(statement: &ParsedStatement) -> Range<usize> {
    let len = statement
        .text
        .find('\n')
        .unwrap_or(statement.text.len())
        .min(statement.text.len());
    statement.span.start..statement.span.start + len
}

/// An identifier as PostgreSQL stores it: unquoted ones folded to lower case, then cut to 63
/// bytes.
pub(crate) fn fold(ident: &SqlIdent) -> String {
    let value = if ident.quote_style.is_some() {
        ident.value.clone()
    } else {
        ident.value.to_ascii_lowercase()
    };
    names::truncate_identifier(&value)
}

pub(crate) fn fold_ident(ident: &SqlIdent) -> Ident {
    Ident::new(fold(ident))
}

/// The folded parts of a name.
pub(crate) fn name_parts(name: &ObjectName) -> Result<Vec<String>> {
    name.0
        .iter()
        .map(|part| match part {
            ObjectNamePart::Identifier(ident) => Ok(fold(ident)),
            ObjectNamePart::Function(_) => Err(Problem::new("a function call is not a name")),
        })
        .collect()
}

/// A name as written, for messages.
pub(crate) fn display(name: &ObjectName) -> String {
    name.to_string()
}

/// The schemas of a `search_path` setting, or `None` when `text` sets something else.
fn search_path_setting(text: &str) -> Option<Vec<String>> {
    let lower = text.trim().to_ascii_lowercase();
    let value = if let Some(rest) = lower.strip_prefix("set ") {
        let rest = rest
            .trim_start()
            .strip_prefix("session ")
            .or_else(|| rest.trim_start().strip_prefix("local "))
            .unwrap_or(rest)
            .trim_start();
        let rest = rest.strip_prefix("search_path")?.trim_start();
        let rest = rest
            .strip_prefix('=')
            .or_else(|| rest.strip_prefix("to "))?
            .trim();
        // Keep the original case of quoted names: take the same range of the original text.
        let at = text.len() - text.trim_start().len() + (lower.trim().len() - rest.len());
        text.trim()[at.min(text.trim().len())..].trim().to_owned()
    } else {
        let at = lower.find("set_config")?;
        let args = &text[at..];
        let open = args.find('(')?;
        let inner = &args[open + 1..];
        let first_end = inner.find(',')?;
        if !inner[..first_end]
            .to_ascii_lowercase()
            .contains("search_path")
        {
            return None;
        }
        let rest = inner[first_end + 1..].trim_start();
        let body = rest.strip_prefix('\'')?;
        let end = body.find('\'')?;
        body[..end].to_owned()
    };
    let mut out = Vec::new();
    for item in value.split(',') {
        let item = item.trim().trim_matches('\'');
        if item.is_empty() {
            continue;
        }
        let name = if let Some(quoted) = item.strip_prefix('"').and_then(|i| i.strip_suffix('"')) {
            quoted.replace("\"\"", "\"")
        } else {
            item.to_ascii_lowercase()
        };
        if name == "$user" || name == "pg_catalog" || name == "default" {
            continue;
        }
        out.push(name);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_path_settings_are_read() {
        assert_eq!(
            search_path_setting("SET search_path = app, public"),
            Some(vec!["app".to_owned(), "public".to_owned()])
        );
        assert_eq!(
            search_path_setting("set search_path to \"My Schema\""),
            Some(vec!["My Schema".to_owned()])
        );
        assert_eq!(
            search_path_setting("SELECT pg_catalog.set_config('search_path', '', false)"),
            Some(vec![])
        );
        assert_eq!(search_path_setting("SET statement_timeout = 0"), None);
    }
}
