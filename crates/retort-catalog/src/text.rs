//! Shapes of canonical SQL text: how text PostgreSQL prints becomes the form the model keeps
//! (matching parentheses and quotes only; no parsing).

/// An index key expression without the parentheses `pg_get_indexdef` puts around expressions
/// that are not plain function calls: `(a + b)` -> `a + b`; `lower(x)` and `(a) + (b)` stay as
/// they are. The catalog keeps index keys in this form and the renderer adds the parentheses
/// back.
pub fn strip_outer_parens(def: &str) -> String {
    let t = def.trim();
    if t.starts_with('(') && t.ends_with(')') && encloses_whole(t) {
        t[1..t.len() - 1].to_owned()
    } else {
        t.to_owned()
    }
}

/// True when the parenthesis at the start of `s` closes at its very end (quotes respected).
fn encloses_whole(s: &str) -> bool {
    let mut depth = 0i32;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' | '"' => {
                // Skip a quoted literal or identifier; doubled quotes stay inside.
                while let Some((_, d)) = chars.next() {
                    if d == c {
                        if chars.peek().map(|&(_, e)| e) == Some(c) {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
            }
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return i == s.len() - 1;
                }
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_parentheses_around_the_whole_go() {
        assert_eq!(strip_outer_parens("(a + b)"), "a + b");
        assert_eq!(strip_outer_parens("lower(x)"), "lower(x)");
        assert_eq!(strip_outer_parens("(a) + (b)"), "(a) + (b)");
        assert_eq!(strip_outer_parens("(')' || x)"), "')' || x");
        assert_eq!(strip_outer_parens("(\"a)\" || x)"), "\"a)\" || x");
    }
}
