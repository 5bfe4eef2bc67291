//! Renaming an object inside canonical SQL text, as PostgreSQL's printing shows a rename: it
//! keeps references by OID, so every expression, type and query that names the object prints
//! the new name afterwards.
//!
//! Canonical text names user objects schema-qualified (`public.t`, `"Odd"."T"`); those pairs
//! are rewritten, and so are the `'public.s'::regclass` (or `::regtype`) literals that stand
//! for an OID. Every other string literal is left as written.

use retort_catalog::QualifiedName;

use crate::quote::{is_quoted_keyword, quote_ident, quote_literal, quote_qualified};

/// What a token of SQL text is, as far as finding names needs.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Kind {
    /// An identifier: a bare one folded to lower case, a quoted one raw.
    Ident {
        name: String,
        quoted: bool,
    },
    /// A string literal's value (`''` undoubled; escapes of `E''` strings kept as written).
    Str(String),
    Dot,
    LeftParen,
    /// `::`
    Cast,
    Other,
}

/// A token and its byte range in the text.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

/// Splits SQL text into tokens; whitespace is none. String literals (`'…'` with `''`
/// doubling, `E'…'` with backslash escapes, dollar quotes) are one token each.
pub(crate) fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let offset = |i: usize| chars.get(i).map_or(text.len(), |&(o, _)| o);
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(c) = at(i) {
        let start = i;
        let kind = if c == '\'' || (matches!(c, 'e' | 'E') && at(i + 1) == Some('\'')) {
            let escapes = c != '\'';
            i += if escapes { 2 } else { 1 };
            let mut value = String::new();
            while let Some(d) = at(i) {
                i += 1;
                if escapes && d == '\\' {
                    value.push(d);
                    if let Some(e) = at(i) {
                        value.push(e);
                        i += 1;
                    }
                } else if d == '\'' {
                    if at(i) == Some('\'') {
                        value.push('\'');
                        i += 1;
                    } else {
                        break;
                    }
                } else {
                    value.push(d);
                }
            }
            Kind::Str(value)
        } else if c == '$' && dollar_tag(&chars, i).is_some() {
            let tag_len = dollar_tag(&chars, i).unwrap_or(0);
            let tag: String = chars[i..i + tag_len].iter().map(|&(_, c)| c).collect();
            i += tag_len;
            let body_start = i;
            let mut value = None;
            while i < chars.len() {
                if chars[i].1 == '$'
                    && chars[i..]
                        .iter()
                        .map(|&(_, c)| c)
                        .take(tag_len)
                        .eq(tag.chars())
                {
                    value = Some(text[offset(body_start)..offset(i)].to_owned());
                    i += tag_len;
                    break;
                }
                i += 1;
            }
            Kind::Str(value.unwrap_or_else(|| text[offset(body_start)..].to_owned()))
        } else if c == '"' {
            let mut name = String::new();
            i += 1;
            while let Some(d) = at(i) {
                i += 1;
                if d == '"' {
                    if at(i) == Some('"') {
                        name.push('"');
                        i += 1;
                    } else {
                        break;
                    }
                } else {
                    name.push(d);
                }
            }
            Kind::Ident { name, quoted: true }
        } else if c.is_alphabetic() || c == '_' || !c.is_ascii() {
            let mut name = String::new();
            while let Some(d) = at(i) {
                if d.is_alphanumeric() || d == '_' || d == '$' || !d.is_ascii() {
                    name.push(d.to_ascii_lowercase());
                    i += 1;
                } else {
                    break;
                }
            }
            Kind::Ident {
                name,
                quoted: false,
            }
        } else if c.is_ascii_digit() {
            while at(i).is_some_and(|d| d.is_ascii_alphanumeric() || d == '.' || d == '_') {
                i += 1;
            }
            Kind::Other
        } else {
            i += 1;
            if c.is_whitespace() {
                continue;
            }
            match c {
                '.' => Kind::Dot,
                '(' => Kind::LeftParen,
                ':' if at(i) == Some(':') => {
                    i += 1;
                    Kind::Cast
                }
                _ => Kind::Other,
            }
        };
        out.push(Token {
            kind,
            start: offset(start),
            end: offset(i),
        });
    }
    out
}

/// The length of the dollar-quote opening tag (`$$`, `$body$`) at `i`, if there is one.
fn dollar_tag(chars: &[(usize, char)], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while let Some(&(_, c)) = chars.get(j) {
        if c == '$' {
            return Some(j - i + 1);
        }
        let first = j == i + 1;
        if c.is_alphabetic() || c == '_' || !c.is_ascii() || (!first && c.is_ascii_digit()) {
            j += 1;
        } else {
            return None;
        }
    }
    None
}

fn ident(token: Option<&Token>) -> Option<&str> {
    match token.map(|t| &t.kind) {
        Some(Kind::Ident { name, .. }) => Some(name),
        _ => None,
    }
}

/// `schema.name` as a regclass or regtype literal holds it, when it is one.
fn literal_name(value: &str) -> Option<QualifiedName> {
    let t = tokens(value);
    match t.as_slice() {
        [a, b, c] if b.kind == Kind::Dot => {
            Some(QualifiedName::new(ident(Some(a))?, ident(Some(c))?))
        }
        _ => None,
    }
}

/// One replacement: a byte range of the text and what goes there.
type Edit = (usize, usize, String);

fn apply(text: &str, mut edits: Vec<Edit>) -> Option<String> {
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for (start, end, with) in edits {
        if start < at {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(&with);
        at = end;
    }
    out.push_str(&text[at..]);
    (out != text).then_some(out)
}

/// Where `from` is named: the index of each `schema . name` triple's first token (never a
/// function call `schema.name(`), and the edits that rename it, regclass and regtype literals
/// included.
fn qualified_edits(
    t: &[Token],
    from: &QualifiedName,
    to: &QualifiedName,
) -> (Vec<usize>, Vec<Edit>) {
    let mut found = Vec::new();
    let mut edits = Vec::new();
    for (i, token) in t.iter().enumerate() {
        match &token.kind {
            Kind::Ident { name, .. }
                if name == from.schema.as_str()
                    && t.get(i + 1).is_some_and(|d| d.kind == Kind::Dot)
                    && ident(t.get(i + 2)) == Some(from.name.as_str())
                    && !t.get(i + 3).is_some_and(|p| p.kind == Kind::LeftParen)
                    && !(i > 0 && t[i - 1].kind == Kind::Dot) =>
            {
                found.push(i);
                edits.push((token.start, t[i + 2].end, quote_qualified(to)));
            }
            Kind::Str(value)
                if t.get(i + 1).is_some_and(|c| c.kind == Kind::Cast)
                    && matches!(ident(t.get(i + 2)), Some("regclass" | "regtype"))
                    && literal_name(value).as_ref() == Some(from) =>
            {
                edits.push((token.start, token.end, quote_literal(&quote_qualified(to))));
            }
            _ => {}
        }
    }
    (found, edits)
}

/// `text` with every reference to `from` naming `to` instead, or `None` when it names no
/// `from`. For types and for expressions without a query in them.
pub fn rename_qualified_in(text: &str, from: &QualifiedName, to: &QualifiedName) -> Option<String> {
    let t = tokens(text);
    apply(text, qualified_edits(&t, from, to).1)
}

/// A renamed relation's references in a query whose own names for its relations can follow
/// the rename: the implicit name of a relation read without an alias
/// (`FROM public.t` makes columns `t.id`).
#[derive(Debug, PartialEq, Eq)]
pub struct AmbiguousReference;

/// Like [`rename_qualified_in`], for text that can hold a query (a view definition, a policy
/// or check expression with a subquery): where the relation is read without an alias, the
/// columns it qualifies with its own name (`t.id`) are qualified with the new name, as
/// PostgreSQL prints them. When the printed names would have to be made unique again (another
/// relation is read under the new name, or ruleutils numbered a repeated name `t_1`), the
/// result cannot be known without the server: [`AmbiguousReference`].
pub fn rename_relation_in_query(
    text: &str,
    from: &QualifiedName,
    to: &QualifiedName,
) -> Result<Option<String>, AmbiguousReference> {
    let t = tokens(text);
    let (found, mut edits) = qualified_edits(&t, from, to);
    let implicit = found.iter().any(|&i| {
        let cast = i > 0 && t[i - 1].kind == Kind::Cast;
        let alias = match t.get(i + 3).map(|a| &a.kind) {
            Some(Kind::Ident { quoted: true, .. }) => true,
            Some(Kind::Ident { name, .. }) => !is_quoted_keyword(name),
            _ => false,
        };
        !cast && !alias
    });
    if !implicit {
        return Ok(apply(text, edits));
    }
    let old = from.name.as_str();
    let numbered = |name: &str| {
        name.strip_prefix(old)
            .and_then(|rest| rest.strip_prefix('_'))
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    };
    let in_triple = |i: usize| found.iter().any(|&f| i >= f && i <= f + 2);
    for (i, token) in t.iter().enumerate() {
        let Kind::Ident { name, .. } = &token.kind else {
            continue;
        };
        let qualifier = t.get(i + 1).is_some_and(|d| d.kind == Kind::Dot)
            && !(i > 0 && t[i - 1].kind == Kind::Dot);
        if in_triple(i) {
            continue;
        }
        if qualifier && (name == to.name.as_str() || numbered(name)) {
            return Err(AmbiguousReference);
        }
        if qualifier && name == old {
            edits.push((token.start, token.end, quote_ident(to.name.as_str())));
        }
    }
    Ok(apply(text, edits))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(schema: &str, name: &str) -> QualifiedName {
        QualifiedName::new(schema, name)
    }

    fn ren(text: &str, from: (&str, &str), to: (&str, &str)) -> Option<String> {
        rename_qualified_in(text, &q(from.0, from.1), &q(to.0, to.1))
    }

    #[test]
    fn types_and_arrays() {
        let e = ("public", "e");
        let e2 = ("public", "e__old");
        assert_eq!(ren("public.e", e, e2).as_deref(), Some("public.e__old"));
        assert_eq!(ren("public.e[]", e, e2).as_deref(), Some("public.e__old[]"));
        assert_eq!(
            ren("('a'::public.e = ANY (ARRAY['b'::public.e]))", e, e2).as_deref(),
            Some("('a'::public.e__old = ANY (ARRAY['b'::public.e__old]))")
        );
        assert_eq!(ren("integer", e, e2), None);
    }

    #[test]
    fn a_prefix_is_not_the_name() {
        let e = ("public", "e");
        let f = ("public", "f");
        assert_eq!(ren("public.ee", e, f), None);
        assert_eq!(ren("publica.e", e, f), None);
        assert_eq!(
            ren("'x'::public.ee || 'y'::public.e", e, f).as_deref(),
            Some("'x'::public.ee || 'y'::public.f")
        );
        assert_eq!(ren("app.e", e, f), None);
    }

    #[test]
    fn literals_are_untouched_but_oid_literals() {
        let t = ("public", "t");
        let n = ("public", "n");
        assert_eq!(ren("'public.t'::text", t, n), None);
        assert_eq!(ren("E'public.t\\' public.t'", t, n), None);
        assert_eq!(ren("$$ public.t $$ || $x$public.t$x$", t, n), None);
        assert_eq!(ren("'it''s public.t'", t, n), None);
        assert_eq!(
            ren("nextval('public.t'::regclass)", t, n).as_deref(),
            Some("nextval('public.n'::regclass)")
        );
        assert_eq!(
            ren("'public.t'::regtype", t, n).as_deref(),
            Some("'public.n'::regtype")
        );
        assert_eq!(
            ren(
                r#"nextval('"Odd"."S"'::regclass)"#,
                ("Odd", "S"),
                ("Odd", "it's")
            )
            .as_deref(),
            Some(r#"nextval('"Odd"."it''s"'::regclass)"#)
        );
    }

    #[test]
    fn quoted_names_are_matched_raw_and_written_quoted() {
        assert_eq!(
            ren(
                r#""Odd Schema"."T"[]"#,
                ("Odd Schema", "T"),
                ("Odd Schema", "New T")
            )
            .as_deref(),
            Some(r#""Odd Schema"."New T"[]"#)
        );
        assert_eq!(ren(r#"public."T""#, ("public", "t"), ("public", "n")), None);
        assert_eq!(
            ren(r#"PUBLIC.T"#, ("public", "t"), ("public", "select")).as_deref(),
            Some(r#"public."select""#)
        );
    }

    #[test]
    fn functions_of_the_same_name_are_not_the_relation() {
        assert_eq!(
            ren(
                "public.t(1) + (public.t).x",
                ("public", "t"),
                ("public", "n")
            )
            .as_deref(),
            Some("public.t(1) + (public.n).x")
        );
    }

    #[test]
    fn queries_follow_implicit_relation_names() {
        let t = q("public", "t");
        let n = q("public", "n");
        let view = " SELECT t.id,\n    t.s\n   FROM public.t;";
        assert_eq!(
            rename_relation_in_query(view, &t, &n),
            Ok(Some(" SELECT n.id,\n    n.s\n   FROM public.n;".to_owned()))
        );
        let aliased = " SELECT x.id\n   FROM public.t x;";
        assert_eq!(
            rename_relation_in_query(aliased, &t, &n),
            Ok(Some(" SELECT x.id\n   FROM public.n x;".to_owned()))
        );
        let join = " SELECT t.id, u.id AS uid\n   FROM (public.t\n     JOIN public.t u ON ((t.id = u.id)));";
        assert_eq!(
            rename_relation_in_query(join, &t, &n),
            Ok(Some(
                " SELECT n.id, u.id AS uid\n   FROM (public.n\n     JOIN public.n u ON ((n.id = u.id)));"
                    .to_owned()
            ))
        );
        assert_eq!(
            rename_relation_in_query(" SELECT t.a FROM public.t WHERE t.a = 'public.t'", &t, &n),
            Ok(Some(
                " SELECT n.a FROM public.n WHERE n.a = 'public.t'".to_owned()
            ))
        );
        assert_eq!(
            rename_relation_in_query(" SELECT t.a, n.b FROM public.t, app.n", &t, &n),
            Err(AmbiguousReference)
        );
        assert_eq!(
            rename_relation_in_query(" SELECT t.a, t_1.a FROM public.t, app.t t_1", &t, &n),
            Err(AmbiguousReference)
        );
        assert_eq!(rename_relation_in_query(" SELECT 1", &t, &n), Ok(None));
    }
}
