//! Forms PostgreSQL stores differently for the same expression, made equal before comparing.
//!
//! PostgreSQL's stored text is not always a fixed point. `c IN ('a', 'b')` on a `varchar`
//! column is stored as `((c)::text = ANY ((ARRAY['a'::character varying, 'b'::character
//! varying])::text[]))`; running that text again stores `ARRAY[('a'::character varying)::text,
//! ('b'::character varying)::text]`. Both mean the same, so a schema created from either must
//! not differ from the other: the second form is rewritten into the first.

use retort_catalog::{Catalog, ConstraintKind, IndexKey, SqlExpr};

const CAST_ELEMENT_MARK: &str = "ARRAY[('";

/// Whether any expression of the catalog has a form [`normalize`] rewrites.
pub(crate) fn needed(catalog: &Catalog) -> bool {
    let has = |e: &SqlExpr| e.as_str().contains(CAST_ELEMENT_MARK);
    catalog.tables.values().any(|t| {
        t.columns.iter().any(|c| {
            c.default.as_ref().is_some_and(has)
                || c.generated.as_ref().is_some_and(|g| has(&g.expression))
        }) || t.constraints.values().any(|c| match &c.kind {
            ConstraintKind::Check { expression, .. } => has(expression),
            ConstraintKind::Exclusion { predicate, .. } => predicate.as_ref().is_some_and(has),
            _ => false,
        }) || t
            .policies
            .values()
            .any(|p| p.using.as_ref().is_some_and(has) || p.with_check.as_ref().is_some_and(has))
    }) || catalog.indexes.values().any(|i| {
        i.predicate.as_ref().is_some_and(has)
            || i.keys
                .iter()
                .any(|k| matches!(&k.key, IndexKey::Expression(e) if has(e)))
    }) || catalog
        .views
        .values()
        .any(|v| v.definition.contains(CAST_ELEMENT_MARK))
        || catalog
            .domains
            .values()
            .any(|d| d.checks.values().any(|c| has(&c.expression)))
}

/// A copy of the catalog with every expression in its normal form.
pub(crate) fn normalize(catalog: &Catalog) -> Catalog {
    let mut c = catalog.clone();
    let fix = |e: &mut SqlExpr| {
        if e.as_str().contains(CAST_ELEMENT_MARK) {
            *e = SqlExpr::new(text(e.as_str()));
        }
    };
    for t in c.tables.values_mut() {
        for col in &mut t.columns {
            if let Some(d) = &mut col.default {
                fix(d);
            }
            if let Some(g) = &mut col.generated {
                fix(&mut g.expression);
            }
        }
        for k in t.constraints.values_mut() {
            match &mut k.kind {
                ConstraintKind::Check { expression, .. } => fix(expression),
                ConstraintKind::Exclusion {
                    predicate: Some(p), ..
                } => fix(p),
                _ => {}
            }
        }
        for p in t.policies.values_mut() {
            if let Some(u) = &mut p.using {
                fix(u);
            }
            if let Some(w) = &mut p.with_check {
                fix(w);
            }
        }
    }
    for i in c.indexes.values_mut() {
        if let Some(p) = &mut i.predicate {
            fix(p);
        }
        for k in &mut i.keys {
            if let IndexKey::Expression(e) = &mut k.key {
                fix(e);
            }
        }
    }
    for v in c.views.values_mut() {
        if v.definition.contains(CAST_ELEMENT_MARK) {
            v.definition = text(&v.definition);
        }
    }
    for d in c.domains.values_mut() {
        for k in d.checks.values_mut() {
            fix(&mut k.expression);
        }
    }
    c
}

/// Rewrites every `ARRAY[('a'::T)::U, ('b'::T)::U]` into `(ARRAY['a'::T, 'b'::T])::U[]`.
pub(crate) fn text(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(at) = rest.find(CAST_ELEMENT_MARK) {
        out.push_str(&rest[..at]);
        let after = &rest[at + "ARRAY[".len()..];
        match cast_elements(after) {
            Some((elements, target, used)) => {
                out.push_str("(ARRAY[");
                out.push_str(&elements.join(", "));
                out.push_str("])::");
                out.push_str(target);
                out.push_str("[]");
                rest = &after[used..];
            }
            None => {
                out.push_str("ARRAY[");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Reads `('a'::T)::U, ('b'::T)::U]`: the elements `'a'::T`, the common target `U`, and the
/// length read (through the closing bracket).
fn cast_elements(s: &str) -> Option<(Vec<&str>, &str, usize)> {
    let mut elements = Vec::new();
    let mut target: Option<&str> = None;
    let mut i = 0;
    loop {
        let rest = &s[i..];
        let inner_start = rest.strip_prefix("(")?;
        // The literal, with '' escapes.
        let lit = inner_start.strip_prefix('\'')?;
        let mut j = 0;
        let bytes = lit.as_bytes();
        loop {
            if j >= bytes.len() {
                return None;
            }
            if bytes[j] == b'\'' {
                if bytes.get(j + 1) == Some(&b'\'') {
                    j += 2;
                    continue;
                }
                break;
            }
            j += 1;
        }
        // `'...'::T)::U` — T and U are type names without parentheses or commas.
        let after_lit = &lit[j + 1..];
        let after_cast = after_lit.strip_prefix("::")?;
        let close = after_cast.find(")::")?;
        let inner_type = &after_cast[..close];
        if inner_type.contains(['(', ')', ',', '\'']) {
            return None;
        }
        let element_len = 1 + 1 + j + 1 + 2 + close;
        let element = &rest[1..element_len];
        let after_target = &after_cast[close + 3..];
        let end = after_target.find([',', ']'])?;
        let this_target = &after_target[..end];
        if this_target.contains(['(', ')', '\'']) || this_target.is_empty() {
            return None;
        }
        if target.is_some_and(|t| t != this_target) {
            return None;
        }
        target = Some(this_target);
        elements.push(element);
        let consumed = element_len + 3 + end;
        i += consumed;
        let next = &s[i..];
        if let Some(more) = next.strip_prefix(", ") {
            let _ = more;
            i += 2;
        } else if next.starts_with(']') {
            return Some((elements, target?, i + 1));
        } else {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn the_reparsed_in_list_takes_the_first_form() {
        assert_eq!(
            text(
                "((status)::text = ANY (ARRAY[('active'::character varying)::text, ('gone'::character varying)::text]))"
            ),
            "((status)::text = ANY ((ARRAY['active'::character varying, 'gone'::character varying])::text[]))"
        );
        assert_eq!(
            text("(c = ANY (ARRAY[('it''s'::character varying)::text]))"),
            "(c = ANY ((ARRAY['it''s'::character varying])::text[]))"
        );
    }

    #[test]
    fn other_arrays_are_left_alone() {
        for s in [
            "(a = ANY (ARRAY[1, 2]))",
            "ARRAY[('a'::text)::integer, 'b'::text]",
            "ARRAY[('a'::character varying)::text, ('b'::text)::integer]",
        ] {
            assert_eq!(text(s), s);
        }
    }
}
