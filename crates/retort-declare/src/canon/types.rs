//! Built-in type names as written by a user, canonicalized to the text PostgreSQL's
//! `pg_catalog.format_type(oid, typmod)` prints for the resulting column type (with an empty
//! `search_path`: built-in types print unqualified).
//!
//! The text is tokenized by hand and read with the same rules as PostgreSQL's grammar:
//!
//! - unquoted words are case-insensitive; SQL-standard keyword spellings (`integer`,
//!   `double precision`, `character varying(n)`, `timestamp(3) with time zone`,
//!   `interval day to second(3)`, ...) are read first;
//! - other names (unquoted, quoted, or qualified with `pg_catalog.`) name a `pg_type` row
//!   directly, so `"char"` and `pg_catalog.char` are the single-byte `"char"` type while unquoted
//!   `char` is `character(1)`, and `pg_catalog.integer` names no type;
//! - array bounds (`[]`, `[3]`, `[][]`, `ARRAY`, `ARRAY[3]`) give the array type, printed with one
//!   `[]` whatever the dimensions;
//! - type modifiers are checked as the type's `typmodin` does; a time precision above 6 is
//!   reduced to 6 as PostgreSQL does (with a warning there).
//!
//! Anything else — a user type, a name in another schema, a modifier the type does not take —
//! gives `None`.

/// A lexical token of a type name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// An unquoted word, ASCII lower-cased as PostgreSQL folds identifiers.
    Word(String),
    /// A double-quoted identifier, exactly as written (`""` undoubled).
    Quoted(String),
    /// An integer literal, possibly signed.
    Num(i64),
    LParen,
    RParen,
    Comma,
    LBracket,
    RBracket,
    Dot,
}

fn tokenize(text: &str) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '(' => out.push(Tok::LParen),
            ')' => out.push(Tok::RParen),
            ',' => out.push(Tok::Comma),
            '[' => out.push(Tok::LBracket),
            ']' => out.push(Tok::RBracket),
            '.' => out.push(Tok::Dot),
            '"' => {
                let mut s = String::new();
                i += 1;
                loop {
                    let ch = *chars.get(i)?;
                    if ch == '"' {
                        if chars.get(i + 1) == Some(&'"') {
                            s.push('"');
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    s.push(ch);
                    i += 1;
                }
                if s.is_empty() {
                    return None;
                }
                out.push(Tok::Quoted(s));
            }
            // A leading `+` is a syntax error in every position a type name takes a number.
            '-' | '0'..='9' => {
                let negative = c == '-';
                let mut j = if negative { i + 1 } else { i };
                let start = j;
                while j < chars.len() && chars[j].is_ascii_digit() {
                    j += 1;
                }
                if j == start {
                    return None;
                }
                let digits: String = chars[start..j].iter().collect();
                let value: i64 = digits.parse().ok()?;
                out.push(Tok::Num(if negative { -value } else { value }));
                i = j;
                continue;
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut j = i;
                while j < chars.len()
                    && (chars[j].is_alphanumeric() || chars[j] == '_' || chars[j] == '$')
                {
                    j += 1;
                }
                let word: String = chars[i..j].iter().collect();
                out.push(Tok::Word(word.to_ascii_lowercase()));
                i = j;
                continue;
            }
            _ => return None,
        }
        i += 1;
    }
    Some(out)
}

/// A type modifier as PostgreSQL stores it (decoded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Typmod {
    /// `character(n)`, `character varying(n)`, `bit(n)`, `bit varying(n)`.
    Len(i64),
    /// `numeric(p,s)`.
    Numeric(i64, i64),
    /// Fractional-second precision of `time`, `timestamp` and their `with time zone` forms.
    Precision(i64),
    /// `interval`: the field restriction (as printed, with a leading space) and precision.
    Interval(Option<&'static str>, Option<i64>),
}

/// A resolved type: its `pg_type.typname` and modifier.
type Resolved = (&'static str, Option<Typmod>);

/// Built-in `pg_type` names this module knows (base types only; arrays come from bounds).
const KNOWN: &[&str] = &[
    "bool",
    "bytea",
    "char",
    "name",
    "int8",
    "int2",
    "int4",
    "text",
    "oid",
    "tid",
    "xid",
    "xid8",
    "cid",
    "json",
    "jsonb",
    "jsonpath",
    "xml",
    "point",
    "lseg",
    "path",
    "box",
    "polygon",
    "line",
    "circle",
    "float4",
    "float8",
    "money",
    "macaddr",
    "macaddr8",
    "inet",
    "cidr",
    "bpchar",
    "varchar",
    "date",
    "time",
    "timestamp",
    "timestamptz",
    "interval",
    "timetz",
    "bit",
    "varbit",
    "numeric",
    "uuid",
    "pg_lsn",
    "tsvector",
    "tsquery",
    "gtsvector",
    "txid_snapshot",
    "pg_snapshot",
    "regclass",
    "regtype",
    "regproc",
    "regprocedure",
    "regoper",
    "regoperator",
    "regnamespace",
    "regrole",
    "regconfig",
    "regdictionary",
    "regcollation",
    "int4range",
    "int8range",
    "numrange",
    "tsrange",
    "tstzrange",
    "daterange",
    "int4multirange",
    "int8multirange",
    "nummultirange",
    "tsmultirange",
    "tstzmultirange",
    "datemultirange",
];

/// Maximum length of `character(n)` / `character varying(n)` (`MaxAttrSize`).
const MAX_CHAR_LEN: i64 = 10 * 1024 * 1024;
/// Maximum length of `bit(n)` / `bit varying(n)`.
const MAX_BIT_LEN: i64 = MAX_CHAR_LEN * 8;
/// Maximum precision of `time`, `timestamp` and `interval`.
const MAX_TIME_PRECISION: i64 = 6;

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn peek_word(&self) -> Option<&str> {
        match self.peek() {
            Some(Tok::Word(w)) => Some(w.as_str()),
            _ => None,
        }
    }

    fn eat(&mut self, tok: &Tok) -> bool {
        if self.peek() == Some(tok) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_word(&mut self, word: &str) -> bool {
        if self.peek_word() == Some(word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// `( n [, n ...] )` when present; `Some(vec![])` when absent; `None` when malformed.
    fn modifiers(&mut self) -> Option<Vec<i64>> {
        if !self.eat(&Tok::LParen) {
            return Some(Vec::new());
        }
        let mut values = Vec::new();
        loop {
            match self.peek() {
                Some(Tok::Num(n)) => {
                    values.push(*n);
                    self.pos += 1;
                }
                _ => return None,
            }
            if self.eat(&Tok::Comma) {
                continue;
            }
            if self.eat(&Tok::RParen) {
                return Some(values);
            }
            return None;
        }
    }

    /// Array bounds: `[]`, `[n]` any number of times, or `ARRAY` / `ARRAY[n]` once.
    fn array_bounds(&mut self) -> Option<bool> {
        if self.eat_word("array") {
            // `ARRAY[n]` needs its bound: `ARRAY[]` is a syntax error.
            if self.eat(&Tok::LBracket) {
                match self.peek() {
                    Some(Tok::Num(n)) if *n >= 0 => self.pos += 1,
                    _ => return None,
                }
                if !self.eat(&Tok::RBracket) {
                    return None;
                }
            }
            return Some(true);
        }
        let mut any = false;
        while self.eat(&Tok::LBracket) {
            match self.peek() {
                Some(Tok::Num(n)) if *n >= 0 => self.pos += 1,
                Some(Tok::Num(_)) => return None,
                _ => {}
            }
            if !self.eat(&Tok::RBracket) {
                return None;
            }
            any = true;
        }
        Some(any)
    }

    /// One optional length modifier, required to be in `1..=max`.
    fn opt_length(&mut self, max: i64) -> Option<Option<i64>> {
        match self.modifiers()?.as_slice() {
            [] => Some(None),
            [n] if (1..=max).contains(n) => Some(Some(*n)),
            _ => None,
        }
    }

    /// `[ with time zone | without time zone ]`: `Some(true)` for `with`.
    fn opt_timezone(&mut self) -> Option<bool> {
        if self.eat_word("with") {
            (self.eat_word("time") && self.eat_word("zone")).then_some(true)
        } else if self.eat_word("without") {
            (self.eat_word("time") && self.eat_word("zone")).then_some(false)
        } else {
            Some(false)
        }
    }

    /// An SQL-standard keyword spelling starting at an unquoted word.
    fn keyword_type(&mut self, word: &str) -> Option<Option<Resolved>> {
        let resolved: Resolved = match word {
            "int" | "integer" => ("int4", None),
            "smallint" => ("int2", None),
            "bigint" => ("int8", None),
            "real" => ("float4", None),
            "boolean" => ("bool", None),
            "float" => match self.modifiers()?.as_slice() {
                [] => ("float8", None),
                [p] if (1..=24).contains(p) => ("float4", None),
                [p] if (25..=53).contains(p) => ("float8", None),
                _ => return None,
            },
            "double" => {
                if !self.eat_word("precision") {
                    return None;
                }
                ("float8", None)
            }
            "decimal" | "dec" | "numeric" => ("numeric", numeric_typmod(&self.modifiers()?)?),
            "bit" => {
                let varying = self.eat_word("varying");
                let len = self.opt_length(MAX_BIT_LEN)?;
                if varying {
                    ("varbit", len.map(Typmod::Len))
                } else {
                    ("bit", Some(Typmod::Len(len.unwrap_or(1))))
                }
            }
            "national" => {
                if !(self.eat_word("character") || self.eat_word("char")) {
                    return None;
                }
                self.character()?
            }
            "character" | "char" | "nchar" => self.character()?,
            "varchar" => ("varchar", self.opt_length(MAX_CHAR_LEN)?.map(Typmod::Len)),
            "timestamp" | "time" => {
                let precision = time_precision(&self.modifiers()?)?;
                let with_tz = self.opt_timezone()?;
                let name = match (word, with_tz) {
                    ("timestamp", false) => "timestamp",
                    ("timestamp", true) => "timestamptz",
                    (_, false) => "time",
                    (_, true) => "timetz",
                };
                (name, precision.map(Typmod::Precision))
            }
            "interval" => ("interval", self.interval()?),
            _ => return Some(None),
        };
        Some(Some(resolved))
    }

    /// After `character` / `char` / `nchar`: `[varying] [(n)]`.
    fn character(&mut self) -> Option<Resolved> {
        let varying = self.eat_word("varying");
        let len = self.opt_length(MAX_CHAR_LEN)?;
        Some(if varying {
            ("varchar", len.map(Typmod::Len))
        } else {
            ("bpchar", Some(Typmod::Len(len.unwrap_or(1))))
        })
    }

    /// After `interval`: `(p)`, or fields with an optional precision after `second`.
    fn interval(&mut self) -> Option<Option<Typmod>> {
        const FIELDS: [&str; 6] = ["year", "month", "day", "hour", "minute", "second"];
        let first = match self.peek_word() {
            Some(w) if FIELDS.contains(&w) => w.to_owned(),
            _ => {
                let precision = time_precision(&self.modifiers()?)?;
                return Some(precision.map(|p| Typmod::Interval(None, Some(p))));
            }
        };
        self.pos += 1;
        let fields: &'static str = if self.eat_word("to") {
            let last = self.peek_word()?.to_owned();
            self.pos += 1;
            match (first.as_str(), last.as_str()) {
                ("year", "month") => " year to month",
                ("day", "hour") => " day to hour",
                ("day", "minute") => " day to minute",
                ("day", "second") => " day to second",
                ("hour", "minute") => " hour to minute",
                ("hour", "second") => " hour to second",
                ("minute", "second") => " minute to second",
                _ => return None,
            }
        } else {
            match first.as_str() {
                "year" => " year",
                "month" => " month",
                "day" => " day",
                "hour" => " hour",
                "minute" => " minute",
                _ => " second",
            }
        };
        let precision = if fields.ends_with("second") {
            time_precision(&self.modifiers()?)?
        } else {
            None
        };
        Some(Some(Typmod::Interval(Some(fields), precision)))
    }
}

fn numeric_typmod(mods: &[i64]) -> Option<Option<Typmod>> {
    let (p, s) = match *mods {
        [] => return Some(None),
        [p] => (p, 0),
        [p, s] => (p, s),
        _ => return None,
    };
    ((1..=1000).contains(&p) && (-1000..=1000).contains(&s)).then_some(Some(Typmod::Numeric(p, s)))
}

/// An optional fractional-second precision: negative is an error, above 6 is reduced to 6.
fn time_precision(mods: &[i64]) -> Option<Option<i64>> {
    match *mods {
        [] => Some(None),
        [p] if p >= 0 => Some(Some(p.min(MAX_TIME_PRECISION))),
        _ => None,
    }
}

/// A `pg_type` name with modifiers given as `name(args)`, checked as its `typmodin` would.
fn generic(name: &str, mods: &[i64]) -> Option<Resolved> {
    let name: &'static str = KNOWN.iter().find(|k| **k == name)?;
    if mods.is_empty() {
        return Some((name, None));
    }
    let typmod = match name {
        "bpchar" | "varchar" => match *mods {
            [n] if (1..=MAX_CHAR_LEN).contains(&n) => Typmod::Len(n),
            _ => return None,
        },
        "bit" | "varbit" => match *mods {
            [n] if (1..=MAX_BIT_LEN).contains(&n) => Typmod::Len(n),
            _ => return None,
        },
        "numeric" => numeric_typmod(mods)??,
        "time" | "timetz" | "timestamp" | "timestamptz" => {
            Typmod::Precision(time_precision(mods)??)
        }
        _ => return None,
    };
    Some((name, Some(typmod)))
}

/// `format_type` text of a resolved type.
fn format(name: &str, typmod: Option<Typmod>) -> String {
    let len = |base: &str| match typmod {
        Some(Typmod::Len(n)) => format!("{base}({n})"),
        _ => base.to_owned(),
    };
    let time = |base: &str, suffix: &str| match typmod {
        Some(Typmod::Precision(p)) => format!("{base}({p}) {suffix}"),
        _ => format!("{base} {suffix}"),
    };
    match name {
        "bool" => "boolean".to_owned(),
        // bpchar with no modifier is not `character` (which means `character(1)`).
        "bpchar" if typmod.is_none() => "bpchar".to_owned(),
        "bpchar" => len("character"),
        "varchar" => len("character varying"),
        "bit" => len("bit"),
        "varbit" => len("bit varying"),
        "float4" => "real".to_owned(),
        "float8" => "double precision".to_owned(),
        "int2" => "smallint".to_owned(),
        "int4" => "integer".to_owned(),
        "int8" => "bigint".to_owned(),
        "numeric" => match typmod {
            Some(Typmod::Numeric(p, s)) => format!("numeric({p},{s})"),
            _ => "numeric".to_owned(),
        },
        "time" => time("time", "without time zone"),
        "timetz" => time("time", "with time zone"),
        "timestamp" => time("timestamp", "without time zone"),
        "timestamptz" => time("timestamp", "with time zone"),
        "interval" => {
            let mut out = "interval".to_owned();
            if let Some(Typmod::Interval(fields, precision)) = typmod {
                if let Some(fields) = fields {
                    out.push_str(fields);
                }
                if let Some(p) = precision {
                    out.push_str(&format!("({p})"));
                }
            }
            out
        }
        // `char` is a keyword, so format_type quotes the single-byte type's name.
        "char" => "\"char\"".to_owned(),
        other => other.to_owned(),
    }
}

/// A type name read up to, but not including, array bounds.
fn base_type(p: &mut Parser) -> Option<Resolved> {
    // `pg_catalog.name` or `"pg_catalog".name`: a pg_type name, never a keyword spelling.
    let qualified = matches!(p.toks.get(1), Some(Tok::Dot));
    if qualified {
        let schema = match p.peek()? {
            Tok::Word(w) | Tok::Quoted(w) => w.clone(),
            _ => return None,
        };
        if schema != "pg_catalog" {
            return None;
        }
        p.pos += 2;
    }
    let first = p.peek()?.clone();
    p.pos += 1;
    match first {
        Tok::Word(word) => {
            if !qualified && let Some(resolved) = p.keyword_type(&word)? {
                return Some(resolved);
            }
            generic(&word, &p.modifiers()?)
        }
        Tok::Quoted(name) => generic(&name, &p.modifiers()?),
        _ => None,
    }
}

/// The `format_type` spelling of a built-in type as written in a column definition, or `None`
/// when `written` is not a built-in type known here (a user type, another schema's type, or a
/// spelling PostgreSQL would reject).
///
/// ```
/// use retort_declare::canon::types::canonical_builtin;
/// assert_eq!(canonical_builtin("INT").as_deref(), Some("integer"));
/// assert_eq!(canonical_builtin("varchar(20) [ ]").as_deref(), Some("character varying(20)[]"));
/// assert_eq!(canonical_builtin("interval day to second (3)").as_deref(),
///     Some("interval day to second(3)"));
/// assert_eq!(canonical_builtin("public.mood"), None);
/// ```
pub fn canonical_builtin(written: &str) -> Option<String> {
    let mut p = Parser {
        toks: tokenize(written)?,
        pos: 0,
    };
    let (name, typmod) = base_type(&mut p)?;
    let array = p.array_bounds()?;
    if p.pos != p.toks.len() {
        return None;
    }
    let mut out = format(name, typmod);
    if array {
        out.push_str("[]");
    }
    Some(out)
}

/// The integer type (`format_type` spelling) behind a serial pseudo-type (`serial`, `serial4`,
/// `bigserial`, `serial8`, `smallserial`, `serial2`; quoted or not), or `None`.
///
/// PostgreSQL recognises these only as a one-part name with no array bounds or modifiers
/// (`pg_catalog.serial` names no type); the caller expands them into a sequence and a default.
pub fn serial_kind(written: &str) -> Option<&'static str> {
    let toks = tokenize(written)?;
    // PostgreSQL checks for a one-part name: `pg_catalog.serial` names no type.
    let name = match toks.as_slice() {
        [Tok::Word(n) | Tok::Quoted(n)] => n,
        _ => return None,
    };
    match name.as_str() {
        "serial" | "serial4" => Some("integer"),
        "bigserial" | "serial8" => Some("bigint"),
        "smallserial" | "serial2" => Some("smallint"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_types_are_not_builtin() {
        for written in [
            "public.mood",
            "\"MyType\"",
            "citext",
            "mood[]",
            "myschema.int4",
            "\"Int4\"",
            "\"integer\"",
            "pg_catalog.integer",
            "pg_catalog.double precision",
            "",
            "int4 int4",
        ] {
            assert_eq!(canonical_builtin(written), None, "{written:?}");
        }
    }

    #[test]
    fn invalid_modifiers_are_rejected() {
        for written in [
            "float(0)",
            "float(54)",
            "varchar(0)",
            "numeric(0)",
            "numeric(1001)",
            "int4(3)",
            "text(5)",
            "interval year(3)",
            "interval month to year",
            "time(-1)",
            "int[",
            "int[3",
            "double",
            "int ARRAY[]",
            "int ARRAY[2][3]",
            "int[-1]",
            "varchar(+5)",
            "\"char\"(3)",
        ] {
            assert_eq!(canonical_builtin(written), None, "{written:?}");
        }
    }

    #[test]
    fn quoting_and_qualification_choose_the_type() {
        assert_eq!(canonical_builtin("char").as_deref(), Some("character(1)"));
        assert_eq!(canonical_builtin("\"char\"").as_deref(), Some("\"char\""));
        assert_eq!(
            canonical_builtin("pg_catalog.char").as_deref(),
            Some("\"char\"")
        );
        assert_eq!(canonical_builtin("\"int4\"").as_deref(), Some("integer"));
        assert_eq!(canonical_builtin("bpchar").as_deref(), Some("bpchar"));
        assert_eq!(
            canonical_builtin("timestamp(9)").as_deref(),
            Some("timestamp(6) without time zone")
        );
    }

    #[test]
    fn serials_are_recognised() {
        assert_eq!(serial_kind("SERIAL"), Some("integer"));
        assert_eq!(serial_kind("serial4"), Some("integer"));
        assert_eq!(serial_kind("BigSerial"), Some("bigint"));
        assert_eq!(serial_kind("serial8"), Some("bigint"));
        assert_eq!(serial_kind("smallserial"), Some("smallint"));
        assert_eq!(serial_kind("\"serial2\""), Some("smallint"));
        assert_eq!(serial_kind("pg_catalog.serial2"), None);
        assert_eq!(serial_kind("\"SERIAL\""), None);
        assert_eq!(serial_kind("serial[]"), None);
        assert_eq!(serial_kind("public.serial"), None);
        assert_eq!(serial_kind("integer"), None);
    }
}
