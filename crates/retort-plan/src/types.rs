//! What a column type change costs: nothing, a rewrite, or possibly values.

/// How a column's values fare when its type changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TypeChange {
    /// Binary coercible: no rewrite, nothing lost (`varchar(10)` to `varchar(20)` or `text`).
    Free,
    /// Every value fits, but the table is rewritten (`integer` to `bigint`).
    Widening,
    /// Values may not fit, or fail to convert (`bigint` to `integer`, `text` to `varchar(5)`).
    Risky,
}

/// A type's base name, modifiers and array dimensions: `character varying(20)[]` is
/// (`character varying`, [20], 1).
fn parts(sql: &str) -> (String, Vec<i64>, usize) {
    let mut s = sql.trim();
    let mut dims = 0;
    while let Some(rest) = s.strip_suffix("[]") {
        dims += 1;
        s = rest.trim_end();
    }
    match (s.find('('), s.rfind(')')) {
        (Some(open), Some(close)) if close > open => {
            let mods = s[open + 1..close]
                .split(',')
                .filter_map(|m| m.trim().parse().ok())
                .collect();
            let base = format!("{}{}", s[..open].trim_end(), &s[close + 1..]);
            (base.trim().to_owned(), mods, dims)
        }
        _ => (s.to_owned(), Vec::new(), dims),
    }
}

const INTEGERS: [&str; 3] = ["smallint", "integer", "bigint"];

pub(crate) fn classify(old: &str, new: &str) -> TypeChange {
    let (ob, om, od) = parts(old);
    let (nb, nm, nd) = parts(new);
    if od != nd {
        return TypeChange::Risky;
    }
    let stringy = |b: &str| matches!(b, "text" | "character varying");
    match (ob.as_str(), nb.as_str()) {
        (a, b) if stringy(a) && stringy(b) => {
            // Unlimited to unlimited, or a limit that grows or goes away, changes nothing.
            match (om.first(), nm.first()) {
                (_, None) => TypeChange::Free,
                (Some(o), Some(n)) if n >= o => TypeChange::Free,
                _ => TypeChange::Risky,
            }
        }
        ("character", b) if stringy(b) => match (om.first(), nm.first()) {
            (_, None) => TypeChange::Widening,
            (Some(o), Some(n)) if n >= o => TypeChange::Widening,
            _ => TypeChange::Risky,
        },
        ("numeric", "numeric") => match (om.as_slice(), nm.as_slice()) {
            (_, []) => TypeChange::Free,
            ([op, os], [np, ns]) if os == ns && np >= op => TypeChange::Free,
            ([op, os], [np, ns]) if ns >= os && np - ns >= op - os => TypeChange::Widening,
            _ => TypeChange::Risky,
        },
        (a, b) if INTEGERS.contains(&a) && INTEGERS.contains(&b) => {
            let rank = |t: &str| INTEGERS.iter().position(|x| *x == t).unwrap_or(0);
            if rank(b) >= rank(a) {
                TypeChange::Widening
            } else {
                TypeChange::Risky
            }
        }
        (a, "numeric") if INTEGERS.contains(&a) && nm.is_empty() => TypeChange::Widening,
        ("real", "double precision") => TypeChange::Widening,
        (a, "double precision") if a == "smallint" || a == "integer" => TypeChange::Widening,
        ("timestamp without time zone", "timestamp with time zone")
        | ("time without time zone", "time with time zone") => TypeChange::Widening,
        (a, b) if a == b => {
            // Same type, other modifiers (timestamp precision, bit length).
            match (om.first(), nm.first()) {
                (_, None) => TypeChange::Widening,
                (Some(o), Some(n)) if n >= o => TypeChange::Widening,
                _ => TypeChange::Risky,
            }
        }
        (_, "text") | (_, "character varying") if nm.is_empty() => TypeChange::Widening,
        _ => TypeChange::Risky,
    }
}

/// Whether a default can be added to existing rows without a rewrite: PostgreSQL evaluates a
/// non-volatile default once. The volatile functions defaults commonly call are recognised.
pub(crate) fn is_constant(default: &str) -> bool {
    const VOLATILE: [&str; 8] = [
        "nextval(",
        "random(",
        "gen_random_uuid(",
        "uuid_generate_",
        "clock_timestamp(",
        "timeofday(",
        "txid_current(",
        "setseed(",
    ];
    !VOLATILE.iter().any(|f| default.contains(f))
}

/// Whether the conversion must go through `text` (enums and other types without casts
/// between them).
pub(crate) fn through_text(old_user: bool, new_user: bool, old: &str) -> bool {
    let (ob, _, _) = parts(old);
    let stringy = matches!(ob.as_str(), "text" | "character varying" | "character");
    old_user || (new_user && !stringy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_the_usual_changes() {
        use TypeChange::*;
        for (old, new, want) in [
            ("character varying(10)", "character varying(20)", Free),
            ("character varying(20)", "character varying(10)", Risky),
            ("character varying(20)", "text", Free),
            ("text", "character varying(5)", Risky),
            ("text", "character varying", Free),
            ("integer", "bigint", Widening),
            ("bigint", "integer", Risky),
            ("numeric(10,2)", "numeric(12,2)", Free),
            ("numeric(10,2)", "numeric(8,2)", Risky),
            ("numeric(10,2)", "numeric", Free),
            ("integer", "text", Widening),
            ("text", "integer", Risky),
            ("integer[]", "bigint[]", Widening),
            ("integer[]", "integer", Risky),
            (
                "timestamp(3) without time zone",
                "timestamp(6) without time zone",
                Widening,
            ),
        ] {
            assert_eq!(classify(old, new), want, "{old} -> {new}");
        }
    }

    #[test]
    fn volatile_defaults_are_recognised() {
        assert!(is_constant("0"));
        assert!(is_constant("'x'::text"));
        assert!(is_constant("now()"));
        assert!(!is_constant("nextval('public.s'::regclass)"));
        assert!(!is_constant("gen_random_uuid()"));
    }
}
