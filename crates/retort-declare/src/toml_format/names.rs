//! Rules shared by the reader and the writer: references, and the defaults the writer omits.
//!
//! Every default here is computed the same way on both sides, so whatever the writer leaves out
//! the reader restores exactly.

use retort_catalog::{Ident, QualifiedName, SequenceOptions};

use super::format::{ObjectName, QualifiedDef};

pub const PUBLIC: &str = "public";

/// The schema of an object written with an optional `schema` key.
pub fn schema_or_public(schema: Option<&str>) -> Ident {
    Ident::new(schema.unwrap_or(PUBLIC))
}

/// The `schema` key to write: omitted for `public`.
pub fn schema_key(schema: &Ident) -> Option<String> {
    (schema.as_str() != PUBLIC).then(|| schema.as_str().to_owned())
}

pub fn to_qualified(name: &ObjectName) -> QualifiedName {
    match name {
        ObjectName::Public(name) => QualifiedName::new(PUBLIC, name.as_str()),
        ObjectName::Qualified(q) => QualifiedName::new(q.schema.as_str(), q.name.as_str()),
    }
}

pub fn from_qualified(name: &QualifiedName) -> ObjectName {
    if name.schema.as_str() == PUBLIC {
        ObjectName::Public(name.name.as_str().to_owned())
    } else {
        ObjectName::Qualified(QualifiedDef {
            schema: name.schema.as_str().to_owned(),
            name: name.name.as_str().to_owned(),
        })
    }
}

/// The user-defined type a type's SQL text names: a schema-qualified leading name outside
/// `pg_catalog` (`public."Mood"[]` names `public.Mood`); `None` for anything else.
pub fn implied_user_type(sql: &str) -> Option<QualifiedName> {
    let (schema, rest) = leading_ident(sql)?;
    let rest = rest.strip_prefix('.')?;
    let (name, _) = leading_ident(rest)?;
    (schema != "pg_catalog").then(|| QualifiedName::new(schema, name))
}

/// A leading identifier, quoted (`"a""b"`) or not, and the text after it.
fn leading_ident(text: &str) -> Option<(String, &str)> {
    if let Some(quoted) = text.strip_prefix('"') {
        let mut name = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '"' {
                name.push(c);
            } else if quoted[i + 1..].starts_with('"') {
                name.push('"');
                chars.next();
            } else {
                return Some((name, &quoted[i + 1..]));
            }
        }
        return None;
    }
    let end = text
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '$'))
        .map_or(text.len(), |(i, _)| i);
    (end > 0).then(|| (text[..end].to_owned(), &text[end..]))
}

/// `<table>_<column>_seq` in the table's schema: the name PostgreSQL gives an identity
/// column's sequence when it is short enough not to be truncated.
pub fn default_identity_sequence(table: &QualifiedName, column: &Ident) -> QualifiedName {
    QualifiedName::new(
        table.schema.clone(),
        format!("{}_{}_seq", table.name, column),
    )
}

/// `<table>_pkey`.
pub fn default_primary_key_name(table: &QualifiedName) -> Ident {
    Ident::new(format!("{}_pkey", table.name))
}

fn type_range(data_type: &str) -> (i64, i64) {
    match data_type {
        "smallint" => (i64::from(i16::MIN), i64::from(i16::MAX)),
        "integer" => (i64::from(i32::MIN), i64::from(i32::MAX)),
        _ => (i64::MIN, i64::MAX),
    }
}

/// Sequence options as written: `None` (or `false`) where the default holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SequenceOptionsDef {
    pub as_type: Option<String>,
    pub start: Option<i64>,
    pub increment: Option<i64>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub cache: Option<i64>,
    pub cycle: bool,
}

/// Moves the sequence option keys between a format struct and [`SequenceOptionsDef`].
macro_rules! sequence_keys {
    (from $def:expr) => {
        $crate::toml_format::names::SequenceOptionsDef {
            as_type: $def.as_type.clone(),
            start: $def.start,
            increment: $def.increment,
            min: $def.min,
            max: $def.max,
            cache: $def.cache,
            cycle: $def.cycle,
        }
    };
    ($ty:ident { $($field:ident : $value:expr),* $(,)? } with $options:expr) => {{
        let o = $options;
        $ty {
            $($field: $value,)*
            as_type: o.as_type,
            start: o.start,
            increment: o.increment,
            min: o.min,
            max: o.max,
            cache: o.cache,
            cycle: o.cycle,
        }
    }};
}
pub(crate) use sequence_keys;

/// Sequence options with PostgreSQL's defaults for every one left out.
pub fn sequence_options(def: &SequenceOptionsDef, default_type: &str) -> SequenceOptions {
    let data_type = def
        .as_type
        .clone()
        .unwrap_or_else(|| default_type.to_owned());
    let increment = def.increment.unwrap_or(1);
    let (default_min, default_max) = default_bounds(&data_type, increment);
    let min_value = def.min.unwrap_or(default_min);
    let max_value = def.max.unwrap_or(default_max);
    let start = def
        .start
        .unwrap_or(if increment < 0 { max_value } else { min_value });
    SequenceOptions {
        data_type,
        start,
        increment,
        min_value,
        max_value,
        cache: def.cache.unwrap_or(1),
        cycle: def.cycle,
    }
}

fn default_bounds(data_type: &str, increment: i64) -> (i64, i64) {
    let (low, high) = type_range(data_type);
    if increment < 0 { (low, -1) } else { (1, high) }
}

/// The options to write: only those that differ from their defaults.
pub fn sequence_options_def(options: &SequenceOptions, default_type: &str) -> SequenceOptionsDef {
    let (default_min, default_max) = default_bounds(&options.data_type, options.increment);
    let default_start = if options.increment < 0 {
        options.max_value
    } else {
        options.min_value
    };
    SequenceOptionsDef {
        as_type: (options.data_type != default_type).then(|| options.data_type.clone()),
        start: (options.start != default_start).then_some(options.start),
        increment: (options.increment != 1).then_some(options.increment),
        min: (options.min_value != default_min).then_some(options.min_value),
        max: (options.max_value != default_max).then_some(options.max_value),
        cache: (options.cache != 1).then_some(options.cache),
        cycle: options.cycle,
    }
}

/// The sequence type an identity column gets by default: the column's own integer type.
pub fn identity_default_type(column_type: &str) -> &str {
    match column_type {
        "smallint" | "integer" => column_type,
        _ => "bigint",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_types_are_implied_by_qualified_names_only() {
        assert_eq!(
            implied_user_type("public.\"Mood\"[]"),
            Some(QualifiedName::new("public", "Mood"))
        );
        assert_eq!(
            implied_user_type("\"a.b\".\"x\"\"y\"(3)"),
            Some(QualifiedName::new("a.b", "x\"y"))
        );
        assert_eq!(implied_user_type("character varying(20)"), None);
        assert_eq!(implied_user_type("integer[]"), None);
        assert_eq!(implied_user_type("pg_catalog.int4"), None);
        assert_eq!(implied_user_type("\"char\""), None);
    }

    #[test]
    fn omitted_sequence_options_come_back_as_written() {
        for (ty, inc, min, max, start, cache) in [
            ("bigint", 1, 1, i64::MAX, 1, 1),
            ("integer", -2, -100, -1, -1, 5),
            ("smallint", 3, 10, 1000, 20, 1),
            ("integer", -1, i64::from(i32::MIN), -1, -50, 1),
        ] {
            let options = SequenceOptions {
                data_type: ty.into(),
                start,
                increment: inc,
                min_value: min,
                max_value: max,
                cache,
                cycle: inc == 3,
            };
            let def = sequence_options_def(&options, "bigint");
            assert_eq!(sequence_options(&def, "bigint"), options);
        }
        let plain = SequenceOptionsDef::default();
        assert_eq!(sequence_options(&plain, "integer").max_value, 2147483647);
    }
}
