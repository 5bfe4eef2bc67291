//! Rename hints written in TOML files: `renamed_from = "old"` on an object, a column or a
//! constraint, and `renamed_values = { new = "old" }` on an enum. Names are raw, as every
//! name in the TOML format.

use std::ops::Range;
use std::sync::Arc;

use retort_catalog::{QualifiedName, RenameHint, RenameKind};

use super::format::*;
use super::names::*;
use crate::error::SourceError;
use crate::files::{FileKind, SchemaFile};

/// Every rename hint of the TOML files among `files`, each with the place it was written.
pub fn rename_hints(files: &[SchemaFile]) -> Result<Vec<(RenameHint, SourceError)>, SourceError> {
    let mut out = Vec::new();
    for file in files.iter().filter(|f| f.kind == FileKind::Toml) {
        let doc: SchemaDoc = toml::from_str(&file.text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            SourceError::new(
                file.display.clone(),
                file.text.clone(),
                span,
                e.message().trim_end().to_owned(),
            )
        })?;
        Hints {
            file: &file.display,
            text: file.text.clone(),
            out: &mut out,
        }
        .doc(&doc)?;
    }
    Ok(out)
}

struct Hints<'a> {
    file: &'a str,
    text: Arc<str>,
    out: &'a mut Vec<(RenameHint, SourceError)>,
}

fn qualified(schema: &Option<String>, name: &Name) -> QualifiedName {
    QualifiedName::new(schema_or_public(schema.as_deref()), name.get_ref().as_str())
}

impl Hints<'_> {
    fn place(&self, span: Range<usize>, message: impl Into<String>) -> SourceError {
        SourceError::new(self.file, self.text.clone(), span, message)
    }

    fn push(
        &mut self,
        kind: RenameKind,
        object: &QualifiedName,
        member: Option<&str>,
        from: &Option<Name>,
    ) {
        let Some(from) = from else { return };
        let hint = RenameHint {
            kind,
            object: object.clone(),
            member: member.map(str::to_owned),
            from: from.get_ref().clone(),
        };
        let place = self.place(from.span(), "renamed_from");
        self.out.push((hint, place));
    }

    fn doc(&mut self, doc: &SchemaDoc) -> Result<(), SourceError> {
        for d in &doc.enums {
            let name = qualified(&d.schema, &d.name);
            self.push(RenameKind::Type, &name, None, &d.renamed_from);
            for (new, old) in &d.renamed_values {
                let place = self.place(d.name.span(), "renamed_values");
                if !d.values.contains(new) {
                    let message =
                        format!("renamed_values: {new:?} is not one of the enum's values");
                    return Err(self
                        .place(d.name.span(), message)
                        .with_object(format!("enum {name}")));
                }
                let hint = RenameHint {
                    kind: RenameKind::EnumValue,
                    object: name.clone(),
                    member: Some(new.clone()),
                    from: old.clone(),
                };
                self.out.push((hint, place));
            }
        }
        for d in &doc.domains {
            self.push(
                RenameKind::Type,
                &qualified(&d.schema, &d.name),
                None,
                &d.renamed_from,
            );
        }
        for d in &doc.composites {
            self.push(
                RenameKind::Type,
                &qualified(&d.schema, &d.name),
                None,
                &d.renamed_from,
            );
        }
        for d in &doc.sequences {
            self.push(
                RenameKind::Sequence,
                &qualified(&d.schema, &d.name),
                None,
                &d.renamed_from,
            );
        }
        for d in &doc.tables {
            self.table(d);
        }
        for d in &doc.indexes {
            let table_schema = to_qualified(d.table.get_ref()).schema;
            let schema = d
                .schema
                .as_deref()
                .map_or(table_schema, retort_catalog::Ident::new);
            let name = QualifiedName::new(schema, d.name.get_ref().as_str());
            self.push(RenameKind::Index, &name, None, &d.renamed_from);
        }
        for d in doc.views.iter().chain(&doc.materialized_views) {
            self.push(
                RenameKind::View,
                &qualified(&d.schema, &d.name),
                None,
                &d.renamed_from,
            );
        }
        Ok(())
    }

    fn table(&mut self, d: &TableDef) {
        let table = qualified(&d.schema, &d.name);
        self.push(RenameKind::Table, &table, None, &d.renamed_from);
        for c in &d.column {
            let member = Some(c.name.get_ref().as_str());
            self.push(RenameKind::Column, &table, member, &c.renamed_from);
        }
        let constraint = RenameKind::Constraint;
        if let Some(pk) = &d.primary_key {
            let name = pk.name.as_ref().map_or_else(
                || default_primary_key_name(&table).as_str().to_owned(),
                |n| n.get_ref().clone(),
            );
            self.push(constraint, &table, Some(&name), &pk.renamed_from);
        }
        for u in &d.unique {
            self.push(constraint, &table, Some(u.name.get_ref()), &u.renamed_from);
        }
        for c in &d.check {
            self.push(constraint, &table, Some(c.name.get_ref()), &c.renamed_from);
        }
        for f in &d.foreign_key {
            self.push(constraint, &table, Some(f.name.get_ref()), &f.renamed_from);
        }
        for x in &d.exclude {
            self.push(constraint, &table, Some(x.name.get_ref()), &x.renamed_from);
        }
    }
}
