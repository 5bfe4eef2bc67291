//! The names PostgreSQL chooses for objects declared without one: constraint, index and
//! sequence names (`ChooseRelationName`, `ChooseConstraintName`, `makeObjectName` and
//! `ChooseIndexColumnNames` in PostgreSQL's sources), and identifier truncation to 63 bytes.

use std::collections::BTreeSet;

/// The longest identifier PostgreSQL keeps, in bytes (`NAMEDATALEN - 1`).
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// `name` cut to 63 bytes at a character boundary, as PostgreSQL truncates identifiers.
pub fn truncate_identifier(name: &str) -> String {
    clip(name, MAX_IDENTIFIER_BYTES).to_owned()
}

/// The longest prefix of `s` of at most `bytes` bytes that ends on a character boundary
/// (`pg_mbcliplen`).
fn clip(s: &str, bytes: usize) -> &str {
    if s.len() <= bytes {
        return s;
    }
    let mut end = bytes;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `name1[_name2][_label]`, the longer of the two names shortened first until the whole fits
/// in 63 bytes (`makeObjectName`).
pub fn make_object_name(name1: &str, name2: Option<&str>, label: Option<&str>) -> String {
    let mut overhead = 0;
    if name2.is_some() {
        overhead += 1;
    }
    if let Some(label) = label {
        overhead += label.len() + 1;
    }
    let available = MAX_IDENTIFIER_BYTES.saturating_sub(overhead);
    let mut n1 = name1.len();
    let mut n2 = name2.map_or(0, str::len);
    while n1 + n2 > available {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let mut out = clip(name1, n1).to_owned();
    if let Some(name2) = name2 {
        out.push('_');
        out.push_str(clip(name2, n2));
    }
    if let Some(label) = label {
        out.push('_');
        out.push_str(label);
    }
    out
}

/// The first of `name1_name2_label`, `name1_name2_label1`, `…label2`, … that `taken` does not
/// hold (`ChooseRelationName` / `ChooseConstraintName`).
pub fn choose_name(
    name1: &str,
    name2: Option<&str>,
    label: &str,
    taken: impl Fn(&str) -> bool,
) -> String {
    let mut pass = 0;
    let mut modlabel = label.to_owned();
    loop {
        let name = make_object_name(name1, name2, Some(&modlabel));
        if !taken(&name) {
            return name;
        }
        pass += 1;
        modlabel = format!("{label}{pass}");
    }
}

/// The names of an index's columns as `ChooseIndexColumnNames` makes them unique: a repeated
/// name gets a number (`a`, `a1`, `a2`).
pub fn index_column_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for original in names {
        let mut name = original.to_owned();
        let mut i = 0;
        while out.contains(&name) {
            i += 1;
            let suffix = i.to_string();
            name = format!(
                "{}{suffix}",
                clip(original, MAX_IDENTIFIER_BYTES - suffix.len())
            );
        }
        out.push(name);
    }
    out
}

/// Column names joined with `_`, stopping once 63 bytes are reached (`ChooseIndexNameAddition`
/// and `ChooseForeignKeyConstraintNameAddition`).
pub fn name_addition<S: AsRef<str>>(names: &[S]) -> String {
    let mut out = String::new();
    for name in names {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(clip(name.as_ref(), MAX_IDENTIFIER_BYTES));
        if out.len() > MAX_IDENTIFIER_BYTES {
            break;
        }
    }
    // The C code writes into a NAMEDATALEN buffer: what it keeps is at most 63 bytes.
    clip(&out, MAX_IDENTIFIER_BYTES).to_owned()
}

/// Which names are in use in one schema: relations (`pg_class`) and constraints
/// (`pg_constraint`).
pub trait Taken {
    fn relation_taken(&self, name: &str) -> bool;
    fn constraint_taken(&self, name: &str) -> bool;

    /// A name for a relation (index, sequence); `constraint` also avoids constraint names (the
    /// index of a primary key, unique or exclusion constraint).
    fn relation_name(
        &self,
        name1: &str,
        name2: Option<&str>,
        label: &str,
        constraint: bool,
    ) -> String {
        choose_name(name1, name2, label, |n| {
            self.relation_taken(n) || (constraint && self.constraint_taken(n))
        })
    }

    /// A name for a constraint without an index (check, foreign key); `others` are names
    /// chosen in the same statement.
    fn constraint_name(
        &self,
        name1: &str,
        name2: Option<&str>,
        label: &str,
        others: &BTreeSet<String>,
    ) -> String {
        choose_name(name1, name2, label, |n| {
            self.constraint_taken(n) || others.contains(n)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_joined() {
        assert_eq!(
            make_object_name("orders", Some("id"), Some("seq")),
            "orders_id_seq"
        );
        assert_eq!(
            make_object_name("orders", None, Some("pkey")),
            "orders_pkey"
        );
    }

    #[test]
    fn the_longer_name_is_shortened_first() {
        let table = "a".repeat(60);
        let name = make_object_name(&table, Some("col"), Some("key"));
        assert_eq!(name.len(), 63);
        assert_eq!(name, format!("{}_col_key", "a".repeat(55)));
        let both = make_object_name(&"t".repeat(40), Some(&"c".repeat(40)), Some("fkey"));
        assert_eq!(both, format!("{}_{}_fkey", "t".repeat(29), "c".repeat(28)));
    }

    #[test]
    fn truncation_keeps_whole_characters() {
        let name = "é".repeat(40); // 80 bytes
        assert_eq!(truncate_identifier(&name), "é".repeat(31));
        let chosen = make_object_name(&name, None, Some("pkey"));
        assert!(chosen.len() <= 63 && chosen.ends_with("_pkey"));
    }

    #[test]
    fn taken_names_get_a_number() {
        let taken: BTreeSet<String> = ["t_a_key".to_owned(), "t_a_key1".to_owned()].into();
        assert_eq!(
            choose_name("t", Some("a"), "key", |n| taken.contains(n)),
            "t_a_key2"
        );
    }

    #[test]
    fn repeated_index_columns_are_numbered() {
        assert_eq!(
            index_column_names(["a", "expr", "a", "expr"]),
            ["a", "expr", "a1", "expr1"]
        );
    }
}
