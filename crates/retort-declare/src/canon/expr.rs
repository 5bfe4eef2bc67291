//! SQL expressions as written (parsed by sqlparser with [`RetortDialect`](crate::sql::RetortDialect)),
//! canonicalized offline to the text PostgreSQL's `pg_get_expr` prints once the server has stored
//! them (with an empty `search_path`, so user objects print schema-qualified).
//!
//! The expression is first analysed as PostgreSQL's parser does (`parse_expr.c`,
//! `parse_oper.c`, `parse_func.c`, `parse_coerce.c`): literals get their types (integers `int4`
//! when they fit, else `int8`, else `numeric`; decimals `numeric`; a minus sign before a number
//! folds into it; string literals are `unknown` until coerced), operators and functions are
//! resolved against a table of the built-in ones (generated from PostgreSQL 15's catalogs) with
//! the same candidate-selection rules, arguments get the implicit casts the chosen operator
//! needs, `IN` lists become `= ANY (ARRAY[..])`, `BETWEEN` two comparisons, `LIKE` `~~`. The
//! resulting tree is then printed as `ruleutils.c` prints it: every operator in parentheses,
//! implicit casts shown as `(x)::type` below the top level, constants quoted and labelled by the
//! rules of `get_const_expr`, `CASE` on indented lines. Index keys are printed as
//! `pg_get_indexdef(.., true)` prints one (only the parentheses that precedence needs), without
//! the outer parentheses the catalog reader strips.
//!
//! Anything the tables do not cover (an unknown function, a literal of a type whose input
//! function is not reproduced here, a construct not modelled) is an [`ExprError`]: the
//! canonicalizer never guesses.
//!
//! Targets PostgreSQL 14 and later (`EXTRACT` returning `numeric`, `TRIM(BOTH FROM x)` printed in
//! SQL syntax) as PostgreSQL 15 prints them.

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::OnceLock;

use retort_sql::quote::{is_quoted_keyword, quote_ident, quote_literal};
use sqlparser::ast::{
    BinaryOperator, CastKind, CeilFloorKind, DataType, DateTimeField, Expr, Function, FunctionArg,
    FunctionArgExpr, FunctionArgumentClause, FunctionArguments, Ident, ObjectName, OrderByExpr,
    OrderBySort, Query, TrimWhereField, UnaryOperator, Value, WindowType,
};

use super::types::canonical_builtin;

/// How a type is known to the canonicalizer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeKind {
    Builtin,
    Enum,
    Domain {
        /// The canonical (`format_type`) spelling of the base type.
        base: String,
    },
    Composite,
    Other,
}

/// A type in `format_type` spelling (`integer`, `character varying(10)`, `public.mood`, `text[]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedType {
    pub sql: String,
    pub kind: TypeKind,
}

impl ResolvedType {
    /// A built-in type by its `format_type` spelling.
    pub fn builtin(sql: impl Into<String>) -> ResolvedType {
        ResolvedType {
            sql: sql.into(),
            kind: TypeKind::Builtin,
        }
    }
}

/// What names in an expression refer to. Names arrive folded as PostgreSQL folds them
/// (unquoted -> ASCII lower case, quoted kept).
pub trait Scope {
    /// A column visible in the expression: `qualifier` is the relation name or alias written
    /// before it (or `new`/`old` in a trigger WHEN condition), None when unqualified.
    fn column(&self, qualifier: Option<&str>, name: &str) -> Option<ResolvedType>;
    /// A user-defined type (enum, domain, composite) by name; `schema` None means "resolve
    /// through the search path".
    fn user_type(&self, schema: Option<&str>, name: &str) -> Option<ResolvedType>;
    /// A user-defined function by name with the canonical types of its arguments: its schema
    /// and result type.
    fn function(
        &self,
        schema: Option<&str>,
        name: &str,
        args: &[ResolvedType],
    ) -> Option<(String, ResolvedType)>;
    /// A sequence by name (for nextval('...'::regclass)): its schema, when it exists.
    fn sequence(&self, schema: Option<&str>, name: &str) -> Option<String> {
        let _ = (schema, name);
        None
    }
    /// Whether the expression is a domain's CHECK condition, where an unqualified `value`
    /// is the value being checked (printed `VALUE`). `None` when not said: an unqualified
    /// column named `value` is then refused rather than guessed.
    fn domain_check(&self) -> Option<bool> {
        None
    }
}

/// Where the expression stands (decides coercion and top-level printing).
#[derive(Clone, Debug)]
pub enum Role {
    /// A column or domain default, coerced to `target` (assignment coercion).
    Default { target: ResolvedType },
    /// A generated column's expression, coerced to `target`.
    Generated { target: ResolvedType },
    /// A table or domain CHECK condition (in a domain check, `VALUE` is the domain's base type:
    /// the scope's column(None, "value")).
    Check,
    /// An index key expression, printed as pg_get_indexdef(indexrelid, pos, true) prints one
    /// key, without the parentheses the catalog reader strips.
    IndexKey,
    /// An index predicate, a policy USING/WITH CHECK, a trigger WHEN condition.
    Predicate,
}

/// What could not be canonicalized offline.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ExprError {
    pub message: String,
}

fn err<T>(message: impl Into<String>) -> Result<T, ExprError> {
    Err(ExprError {
        message: message.into(),
    })
}

type R<T> = Result<T, ExprError>;

/// The canonical text of `expr` in `role`, as PostgreSQL stores and prints it.
pub fn canonicalize(expr: &Expr, role: &Role, scope: &dyn Scope) -> Result<String, ExprError> {
    let mut a = Analyzer {
        scope,
        hooks: None,
        depth: 0,
    };
    let typed = a.analyze(expr)?;
    let typed = match role {
        Role::Default { target } | Role::Generated { target } => {
            if let Node::Const { value: None, .. } = typed.node
                && matches!(role, Role::Default { .. })
                && !matches!(target.kind, TypeKind::Domain { .. })
            {
                return err("a NULL default: PostgreSQL stores no default");
            }
            let t = Ty::from_resolved(target)?;
            coerce(typed, &t, Coercion::Assignment)?
        }
        Role::Check | Role::Predicate => {
            let t = typed.ty.base();
            if t.name != "boolean" {
                if t.is_unknown() {
                    coerce(typed, &Ty::builtin("boolean"), Coercion::Implicit)?
                } else {
                    return err(format!("a condition of type {}", typed.ty.name));
                }
            } else {
                typed
            }
        }
        Role::IndexKey => typed,
    };
    check_resolved(&typed)?;
    let pretty = matches!(role, Role::IndexKey);
    let mut p = Printer {
        buf: String::new(),
        pretty,
        indent: 0,
    };
    p.expr(&typed, false, Parent::Top)?;
    if pretty {
        let text = if looks_like_function(&typed.node) {
            p.buf
        } else {
            format!("({})", p.buf)
        };
        return Ok(retort_catalog::text::strip_outer_parens(&text));
    }
    Ok(p.buf)
}

/// The type PostgreSQL gives `expr` (format_type spelling), without printing it.
pub fn infer_type(expr: &Expr, scope: &dyn Scope) -> Result<ResolvedType, ExprError> {
    let mut a = Analyzer {
        scope,
        hooks: None,
        depth: 0,
    };
    let typed = a.analyze(expr)?;
    Ok(typed.ty.to_resolved())
}

/// True when PostgreSQL keeps no default for `expr`: a bare NULL (possibly cast) on a column
/// whose type is not a domain.
pub fn is_null_default(expr: &Expr) -> bool {
    match expr {
        Expr::Value(v) => matches!(v.value, Value::Null),
        Expr::Nested(e) => is_null_default(e),
        Expr::Cast { expr, .. } => is_null_default(expr),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Types

/// A type as the analyser sees it: `name` is the `format_type` spelling without type
/// modifiers (`character varying`, `character` for bpchar, `public.mood`, `integer[]`),
/// `sql` the full spelling with modifiers.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Ty {
    name: String,
    sql: String,
    kind: TypeKind,
    /// For a domain, its base type.
    base: Option<Box<Ty>>,
}

const UNKNOWN: &str = "unknown";

impl Ty {
    fn builtin(sql: &str) -> Ty {
        let sql = if sql == "bpchar" { "character" } else { sql };
        Ty {
            name: strip_typmod(sql),
            sql: sql.to_owned(),
            kind: TypeKind::Builtin,
            base: None,
        }
    }

    fn unknown() -> Ty {
        Ty::builtin(UNKNOWN)
    }

    fn is_unknown(&self) -> bool {
        self.name == UNKNOWN
    }

    fn from_resolved(t: &ResolvedType) -> R<Ty> {
        Ok(match &t.kind {
            TypeKind::Builtin => Ty::builtin(&t.sql),
            TypeKind::Domain { base } => {
                let b = Ty::builtin(base);
                Ty {
                    name: t.sql.clone(),
                    sql: t.sql.clone(),
                    kind: t.kind.clone(),
                    base: Some(Box::new(b)),
                }
            }
            TypeKind::Enum | TypeKind::Composite | TypeKind::Other => Ty {
                name: t.sql.clone(),
                sql: t.sql.clone(),
                kind: t.kind.clone(),
                base: None,
            },
        })
    }

    fn to_resolved(&self) -> ResolvedType {
        let sql = if self.sql == "character" {
            "bpchar".to_owned()
        } else {
            self.sql.clone()
        };
        ResolvedType {
            sql,
            kind: self.kind.clone(),
        }
    }

    /// The type with domains reduced to their base type.
    fn base(&self) -> &Ty {
        match &self.base {
            Some(b) => b,
            None => self,
        }
    }

    fn has_typmod(&self) -> bool {
        self.name != self.sql
    }

    fn is_array(&self) -> bool {
        self.base().name.ends_with("[]")
    }

    fn element(&self) -> Option<Ty> {
        let b = self.base();
        let name = b.name.strip_suffix("[]")?;
        let sql = b.sql.strip_suffix("[]")?;
        Some(Ty {
            name: name.to_owned(),
            sql: sql.to_owned(),
            kind: b.kind.clone(),
            base: None,
        })
    }

    fn array_of(&self) -> Ty {
        let b = self.base();
        Ty {
            name: format!("{}[]", b.name),
            sql: format!("{}[]", b.name),
            kind: b.kind.clone(),
            base: None,
        }
    }

    /// Same type and same modifier.
    fn same(&self, other: &Ty) -> bool {
        self.name == other.name && self.sql == other.sql
    }

    /// The spelling `format_type_with_typemod(type, -1)` prints (a constant's label).
    fn label(&self) -> R<String> {
        label_of(&self.name)
    }

    /// The spelling with the type modifier (an explicit cast's target).
    fn label_typmod(&self) -> R<String> {
        if self.sql == "bit" || self.sql.starts_with("bit[") {
            return err("the bit type prints as \"bit\" without a modifier");
        }
        Ok(self.sql.clone())
    }

    fn category(&self) -> (char, bool) {
        let b = self.base();
        if b.is_array() {
            return ('A', false);
        }
        if is_citext(b) {
            return ('S', false);
        }
        match b.kind {
            TypeKind::Enum => ('E', false),
            TypeKind::Composite => ('C', false),
            TypeKind::Other => ('U', false),
            _ => tables()
                .types
                .get(b.name.as_str())
                .copied()
                .unwrap_or(('U', false)),
        }
    }
}

fn label_of(name: &str) -> R<String> {
    if let Some(elem) = name.strip_suffix("[]") {
        return Ok(format!("{}[]", label_of(elem)?));
    }
    Ok(match name {
        "character" => "bpchar".to_owned(),
        "bit" => return err("the bit type prints as \"bit\" without a modifier"),
        other => other.to_owned(),
    })
}

/// `character varying(10)` -> `character varying`; `timestamp(3) with time zone` ->
/// `timestamp with time zone`; `numeric(10,2)[]` -> `numeric[]`.
fn strip_typmod(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut depth = 0;
    let mut in_quote = false;
    for c in sql.chars() {
        if in_quote {
            out.push(c);
            if c == '"' {
                in_quote = false;
            }
            continue;
        }
        match c {
            '"' if depth == 0 => {
                in_quote = true;
                out.push(c);
            }
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    // `interval day to second` keeps its fields in format_type; only the modifier goes.
    let out = out.replace("  ", " ");
    if out.starts_with("interval ") && !out.ends_with("[]") {
        return "interval".to_owned();
    }
    if let Some(rest) = out.strip_prefix("interval ")
        && rest.ends_with("[]")
    {
        return "interval[]".to_owned();
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Catalog tables

struct Sig {
    args: Vec<&'static str>,
    result: &'static str,
}

struct Tables {
    operators: BTreeMap<&'static str, Vec<Sig>>,
    functions: BTreeMap<&'static str, Vec<Sig>>,
    /// (source, target) -> (context, method)
    casts: BTreeMap<(&'static str, &'static str), (char, char)>,
    types: BTreeMap<&'static str, (char, bool)>,
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut operators: BTreeMap<&'static str, Vec<Sig>> = BTreeMap::new();
        for line in OPERATORS.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            if let [name, left, right, result] = f[..] {
                let args = if left.is_empty() {
                    vec![right]
                } else {
                    vec![left, right]
                };
                operators
                    .entry(name)
                    .or_default()
                    .push(Sig { args, result });
            }
        }
        let mut functions: BTreeMap<&'static str, Vec<Sig>> = BTreeMap::new();
        for line in FUNCTIONS.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            if let [name, args, result] = f[..] {
                let args = if args.is_empty() {
                    Vec::new()
                } else {
                    args.split(',').collect()
                };
                functions
                    .entry(name)
                    .or_default()
                    .push(Sig { args, result });
            }
        }
        let mut casts = BTreeMap::new();
        for line in CASTS.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            if let [s, t, c, m] = f[..] {
                let c = c.chars().next().unwrap_or('e');
                let m = m.chars().next().unwrap_or('f');
                casts.insert((s, t), (c, m));
            }
        }
        let mut types = BTreeMap::new();
        for line in TYPES.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            if let [n, c, p] = f[..] {
                types.insert(n, (c.chars().next().unwrap_or('U'), p == "t"));
            }
        }
        Tables {
            operators,
            functions,
            casts,
            types,
        }
    })
}

fn is_polymorphic(t: &str) -> bool {
    matches!(
        t,
        "anyelement"
            | "anyarray"
            | "anynonarray"
            | "anyenum"
            | "anyrange"
            | "anymultirange"
            | "anycompatible"
            | "anycompatiblearray"
            | "anycompatiblenonarray"
            | "anycompatiblerange"
            | "anycompatiblemultirange"
    )
}

/// Whether a value of type `from` can be passed where `to` (a catalog type name) is declared,
/// by implicit coercion (`can_coerce_type` with COERCION_IMPLICIT).
fn can_coerce_implicit(from: &Ty, to: &str) -> bool {
    if from.name == to {
        return true;
    }
    if from.is_unknown() {
        return true;
    }
    match to {
        "\"any\"" | "anyelement" | "anycompatible" => return true,
        "anyarray" | "anycompatiblearray" => return from.is_array(),
        "anynonarray" | "anycompatiblenonarray" => return !from.is_array(),
        "anyenum" => return from.base().kind == TypeKind::Enum,
        t if is_polymorphic(t) => return false,
        _ => {}
    }
    let b = from.base();
    if b.name == to {
        return true;
    }
    cast_pathway(b, to).is_some_and(|(c, _)| c == 'i')
}

/// The citext extension's type (`schema.citext`; a domain's base arrives with the built-in
/// kind, a column's with `Other`).
fn is_citext(t: &Ty) -> bool {
    matches!(t.kind, TypeKind::Other | TypeKind::Builtin)
        && t.name
            .rsplit_once('.')
            .is_some_and(|(schema, name)| !schema.is_empty() && name == "citext")
}

/// The cast from `from` to `to` (names without modifiers): context and method.
fn cast_pathway(from: &Ty, to: &str) -> Option<(char, char)> {
    // citext's casts to the string types (binary; to `character` in assignment only).
    if is_citext(from) {
        return match to {
            "text" | "character varying" => Some(('i', 'b')),
            "character" => Some(('a', 'b')),
            _ => None,
        };
    }
    let t = tables();
    if let Some(&(c, m)) = t.casts.get(&(from.name.as_str(), to)) {
        return Some((c, m));
    }
    // Arrays coerce element-wise with the element cast's context.
    if let (Some(fe), Some(te)) = (from.element(), to.strip_suffix("[]"))
        && (fe.name == te || t.casts.contains_key(&(fe.name.as_str(), te)))
    {
        if fe.name == te {
            return Some(('i', 'b'));
        }
        return t.casts.get(&(fe.name.as_str(), te)).map(|&(c, _)| (c, 'a'));
    }
    None
}

fn is_preferred(category: char, t: &str) -> bool {
    tables()
        .types
        .get(t)
        .is_some_and(|&(c, p)| c == category && p)
}

fn type_category(t: &str) -> (char, bool) {
    if t.ends_with("[]") {
        return ('A', false);
    }
    tables().types.get(t).copied().unwrap_or(('U', false))
}

/// `func_select_candidate` / `oper_select_candidate`: the one signature PostgreSQL picks for
/// arguments of types `args`, or an error when none or several remain.
fn select_candidate<'a>(what: &str, sigs: &'a [Sig], args: &[Ty], operator: bool) -> R<&'a Sig> {
    let nargs = args.len();
    let sigs: Vec<&Sig> = sigs.iter().filter(|s| s.args.len() == nargs).collect();
    // Exact match; for a binary operator an unknown side takes the other side's type.
    let mut exact: Vec<String> = args.iter().map(|a| a.name.clone()).collect();
    if operator && nargs == 2 {
        if args[0].is_unknown() && !args[1].is_unknown() {
            exact[0] = args[1].name.clone();
        } else if args[1].is_unknown() && !args[0].is_unknown() {
            exact[1] = args[0].name.clone();
        }
    }
    if let Some(s) = sigs
        .iter()
        .find(|s| s.args.iter().zip(&exact).all(|(d, a)| d == a))
    {
        return Ok(s);
    }
    if operator && nargs == 2 && exact[0] == exact[1] {
        let t = if args[0].is_unknown() {
            &args[1]
        } else {
            &args[0]
        };
        let b = t.base();
        if b.name != t.name
            && let Some(s) = sigs
                .iter()
                .find(|s| s.args.iter().all(|d| *d == b.name.as_str()))
        {
            return Ok(s);
        }
    }
    let mut cands: Vec<&Sig> = sigs
        .iter()
        .copied()
        .filter(|s| {
            s.args
                .iter()
                .zip(args)
                .all(|(d, a)| can_coerce_implicit(a, d))
                && polymorphic_consistent(s, args)
        })
        .collect();
    if cands.len() == 1 {
        return Ok(cands[0]);
    }
    if cands.is_empty() {
        return err(format!(
            "no {what} for ({})",
            args.iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let input: Vec<String> = args.iter().map(|a| a.base().name.clone()).collect();
    let nunknowns = input.iter().filter(|t| *t == UNKNOWN).count();
    // Most exact matches.
    let score = |s: &Sig, f: &dyn Fn(usize, &str) -> bool| -> usize {
        (0..nargs)
            .filter(|&i| input[i] != UNKNOWN && f(i, s.args[i]))
            .count()
    };
    let keep_best = |cands: Vec<&'a Sig>, f: &dyn Fn(usize, &str) -> bool| -> Vec<&'a Sig> {
        let best = cands.iter().map(|s| score(s, f)).max().unwrap_or(0);
        cands.into_iter().filter(|s| score(s, f) == best).collect()
    };
    cands = keep_best(cands, &|i, d| d == input[i]);
    if cands.len() == 1 {
        return Ok(cands[0]);
    }
    let cats: Vec<(char, bool)> = args.iter().map(|a| a.category()).collect();
    cands = keep_best(cands, &|i, d| d == input[i] || is_preferred(cats[i].0, d));
    if cands.len() == 1 {
        return Ok(cands[0]);
    }
    if nunknowns == 0 {
        return err(format!("ambiguous {what}"));
    }
    // Unknown positions: a category for each.
    let mut resolved = true;
    let mut slot: Vec<Option<(char, bool)>> = vec![None; nargs];
    for i in 0..nargs {
        if input[i] != UNKNOWN {
            continue;
        }
        let mut conflict = false;
        let mut cat: Option<(char, bool)> = None;
        for s in &cands {
            let (c, p) = type_category(s.args[i]);
            match cat {
                None => cat = Some((c, p)),
                Some((sc, sp)) if sc == c => cat = Some((sc, sp || p)),
                Some(_) => {
                    if c == 'S' {
                        cat = Some((c, p));
                    } else {
                        conflict = true;
                    }
                }
            }
        }
        if conflict && cat.map(|c| c.0) != Some('S') {
            resolved = false;
            break;
        }
        slot[i] = cat;
    }
    if resolved {
        let kept: Vec<&Sig> = cands
            .iter()
            .copied()
            .filter(|s| {
                (0..nargs).all(|i| {
                    if input[i] != UNKNOWN {
                        return true;
                    }
                    let (c, p) = type_category(s.args[i]);
                    match slot[i] {
                        Some((sc, sp)) => c == sc && (!sp || p),
                        None => true,
                    }
                })
            })
            .collect();
        if !kept.is_empty() {
            cands = kept;
        }
        if cands.len() == 1 {
            return Ok(cands[0]);
        }
    }
    if nunknowns < nargs {
        let mut known: Option<&str> = None;
        let mut same = true;
        for t in &input {
            if t == UNKNOWN {
                continue;
            }
            match known {
                None => known = Some(t),
                Some(k) if k == t => {}
                Some(_) => same = false,
            }
        }
        if same && let Some(k) = known {
            let kt = Ty::builtin(k);
            let all: Vec<Ty> = (0..nargs)
                .map(|i| {
                    if input[i] == UNKNOWN {
                        kt.clone()
                    } else {
                        args[i].base().clone()
                    }
                })
                .collect();
            let m: Vec<&Sig> = cands
                .iter()
                .copied()
                .filter(|s| {
                    s.args
                        .iter()
                        .zip(&all)
                        .all(|(d, a)| can_coerce_implicit(a, d))
                })
                .collect();
            if m.len() == 1 {
                return Ok(m[0]);
            }
        }
    }
    err(format!("ambiguous {what}"))
}

/// `check_generic_type_consistency`, for the polymorphic families used by the tables.
fn polymorphic_consistent(s: &Sig, args: &[Ty]) -> bool {
    bind_polymorphic(s, args).is_ok()
}

/// The concrete types a candidate's declared argument types and result stand for:
/// polymorphic ones bound from the actual arguments.
fn bind_polymorphic(s: &Sig, args: &[Ty]) -> R<(Vec<Ty>, Ty)> {
    let mut elem: Option<Ty> = None;
    let mut compat: Vec<Ty> = Vec::new();
    let mut any_poly = false;
    for (d, a) in s.args.iter().zip(args) {
        match *d {
            "anyelement" | "anynonarray" | "anyenum" => {
                any_poly = true;
                if !a.is_unknown() {
                    let b = a.base().clone();
                    if let Some(e) = &elem
                        && !e.same(&b)
                    {
                        return err("inconsistent polymorphic arguments");
                    }
                    elem = Some(b);
                }
            }
            "anyarray" => {
                any_poly = true;
                if !a.is_unknown() {
                    let e = a.element().ok_or_else(|| ExprError {
                        message: "not an array".into(),
                    })?;
                    if let Some(x) = &elem
                        && x.name != e.name
                    {
                        return err("inconsistent polymorphic arguments");
                    }
                    elem = Some(e);
                }
            }
            "anycompatible" | "anycompatiblenonarray" => {
                any_poly = true;
                if !a.is_unknown() {
                    compat.push(a.base().clone());
                }
            }
            "anycompatiblearray" => {
                any_poly = true;
                if !a.is_unknown() {
                    compat.push(a.element().ok_or_else(|| ExprError {
                        message: "not an array".into(),
                    })?);
                }
            }
            d if is_polymorphic(d) => return err(format!("polymorphic {d}")),
            _ => {}
        }
    }
    let compat_ty = if compat.is_empty() {
        None
    } else {
        Some(common_type_of(&compat)?)
    };
    let subst = |d: &str| -> R<Ty> {
        Ok(match d {
            "anyelement" | "anynonarray" | "anyenum" => elem.clone().ok_or_else(|| ExprError {
                message: "could not determine polymorphic type".into(),
            })?,
            "anyarray" => elem
                .clone()
                .ok_or_else(|| ExprError {
                    message: "could not determine polymorphic type".into(),
                })?
                .array_of(),
            "anycompatible" | "anycompatiblenonarray" => {
                compat_ty.clone().ok_or_else(|| ExprError {
                    message: "could not determine polymorphic type".into(),
                })?
            }
            "anycompatiblearray" => compat_ty
                .clone()
                .ok_or_else(|| ExprError {
                    message: "could not determine polymorphic type".into(),
                })?
                .array_of(),
            other => Ty::builtin(other),
        })
    };
    if !any_poly {
        return Ok((
            s.args.iter().map(|d| Ty::builtin(d)).collect(),
            Ty::builtin(s.result),
        ));
    }
    let declared = s.args.iter().map(|d| subst(d)).collect::<R<Vec<_>>>()?;
    let result = subst(s.result)?;
    Ok((declared, result))
}

/// `select_common_type` over known types (unknowns left out by the caller).
fn common_type_of(types: &[Ty]) -> R<Ty> {
    let Some(first) = types.first() else {
        return Ok(Ty::builtin("text"));
    };
    if types.iter().all(|t| t.same(first)) {
        if first.base.is_some() {
            return Ok(first.clone());
        }
        return Ok(Ty {
            sql: first.name.clone(),
            ..first.clone()
        });
    }
    let mut p = first.base().clone();
    for t in &types[1..] {
        let n = t.base();
        if n.name == p.name {
            continue;
        }
        if p.is_unknown() {
            p = n.clone();
            continue;
        }
        let (pc, pp) = p.category();
        let (nc, _) = n.category();
        if pc != nc {
            return err(format!("types {} and {} cannot be matched", p.name, n.name));
        }
        if !pp && can_coerce_implicit(&p, &n.name) && !can_coerce_implicit(n, &p.name) {
            p = n.clone();
        }
    }
    if p.is_unknown() {
        return Ok(Ty::builtin("text"));
    }
    // The common type keeps no modifier unless all inputs agreed (checked above).
    Ok(Ty {
        sql: p.name.clone(),
        ..p
    })
}

fn common_type(nodes: &[Typed]) -> R<Ty> {
    // select_common_type decides a type, not a modifier.
    if let Some(first) = nodes.first()
        && nodes.iter().all(|n| n.ty.same(&first.ty))
    {
        if first.ty.is_unknown() {
            return Ok(Ty::builtin("text"));
        }
        if first.ty.base.is_some() {
            return Ok(first.ty.clone());
        }
        return Ok(Ty {
            sql: first.ty.name.clone(),
            ..first.ty.clone()
        });
    }
    let known: Vec<Ty> = nodes
        .iter()
        .filter(|n| !n.ty.is_unknown())
        .map(|n| n.ty.clone())
        .collect();
    common_type_of(&known)
}

// ---------------------------------------------------------------------------------------------
// The analysed tree

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CastForm {
    /// A cast function (`FuncExpr` with cast format).
    Func,
    /// `RelabelType` (binary coercible), a domain to its base type.
    Relabel,
    /// `CoerceViaIO`.
    Io,
    /// `ArrayCoerceExpr`.
    Array,
    /// `CoerceToDomain`.
    Domain,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BoolOp {
    And,
    Or,
    Not,
}

#[derive(Clone, Debug)]
enum Node {
    /// A constant; `value` None is NULL.
    Const {
        value: Option<String>,
    },
    Var {
        prefix: Option<String>,
        name: String,
    },
    /// `VALUE` in a domain check.
    DomainValue,
    Op {
        name: String,
        args: Vec<Typed>,
    },
    /// A function call printed `name(args)`.
    Func {
        name: String,
        args: Vec<Typed>,
    },
    /// A function printed in SQL syntax: literal pieces and arguments in turn.
    SqlSyntax {
        pieces: Vec<Piece>,
    },
    Cast {
        arg: Box<Typed>,
        implicit: bool,
        form: CastForm,
        typmod: bool,
    },
    Bool {
        op: BoolOp,
        args: Vec<Typed>,
    },
    NullTest {
        arg: Box<Typed>,
        not: bool,
    },
    BoolTest {
        arg: Box<Typed>,
        test: &'static str,
    },
    Distinct {
        args: Vec<Typed>,
    },
    NullIf {
        args: Vec<Typed>,
    },
    ScalarArray {
        op: String,
        any: bool,
        args: Vec<Typed>,
    },
    Array {
        elems: Vec<Typed>,
    },
    Case {
        arg: Option<Box<Typed>>,
        whens: Vec<(Typed, Typed)>,
        default: Box<Typed>,
    },
    Coalesce {
        args: Vec<Typed>,
    },
    MinMax {
        greatest: bool,
        args: Vec<Typed>,
    },
    SqlValue {
        text: String,
    },
    /// A subquery in an expression (`SubLink`).
    SubLink {
        kind: SubLinkKind,
        test: Option<Box<Typed>>,
        query: Rc<dyn SubqueryText>,
    },
    /// An aggregate (`Aggref`) or window function call (`WindowFunc`, `over` set).
    Agg {
        name: String,
        star: bool,
        distinct: bool,
        args: Vec<Typed>,
        order: Vec<SortKey>,
        filter: Option<Box<Typed>>,
        over: Option<WindowDef>,
    },
}

#[derive(Clone, Debug)]
enum SubLinkKind {
    Expr,
    Exists,
    /// `x op ANY (subquery)`; `=` prints as IN.
    Any(String),
}

/// One ORDER BY item: the expression and its direction.
#[derive(Clone, Debug)]
struct SortKey {
    expr: Typed,
    desc: bool,
    nulls_first: bool,
}

#[derive(Clone, Debug)]
struct WindowDef {
    partition: Vec<Typed>,
    order: Vec<SortKey>,
}

#[derive(Clone, Debug)]
enum Piece {
    Text(String),
    Arg(Typed),
}

#[derive(Clone, Debug)]
struct Typed {
    node: Node,
    ty: Ty,
}

fn typed(node: Node, ty: Ty) -> Typed {
    Typed { node, ty }
}

fn contains_var(t: &Typed) -> bool {
    let any = |v: &[Typed]| v.iter().any(contains_var);
    match &t.node {
        Node::Var { .. } | Node::DomainValue => true,
        Node::Const { .. } | Node::SqlValue { .. } => false,
        Node::SubLink { test, .. } => test.as_deref().is_some_and(contains_var),
        Node::Agg { args, filter, .. } => any(args) || filter.as_deref().is_some_and(contains_var),
        Node::Op { args, .. }
        | Node::Func { args, .. }
        | Node::Bool { args, .. }
        | Node::Distinct { args }
        | Node::NullIf { args }
        | Node::ScalarArray { args, .. }
        | Node::Coalesce { args }
        | Node::MinMax { args, .. } => any(args),
        Node::Array { elems } => any(elems),
        Node::SqlSyntax { pieces } => pieces.iter().any(|p| match p {
            Piece::Arg(a) => contains_var(a),
            Piece::Text(_) => false,
        }),
        Node::Cast { arg, .. } | Node::NullTest { arg, .. } | Node::BoolTest { arg, .. } => {
            contains_var(arg)
        }
        Node::Case {
            arg,
            whens,
            default,
        } => {
            arg.as_deref().is_some_and(contains_var)
                || whens
                    .iter()
                    .any(|(w, r)| contains_var(w) || contains_var(r))
                || contains_var(default)
        }
    }
}

/// Refuses a tree that still holds a literal of unknown type (PostgreSQL would print it
/// without a label, or resolve it in ways not modelled).
fn check_resolved(t: &Typed) -> R<()> {
    if t.ty.is_unknown() {
        return err("a literal whose type is not determined");
    }
    let all = |v: &[Typed]| v.iter().try_for_each(check_resolved);
    match &t.node {
        Node::Op { args, .. }
        | Node::Func { args, .. }
        | Node::Bool { args, .. }
        | Node::Distinct { args }
        | Node::NullIf { args }
        | Node::ScalarArray { args, .. }
        | Node::Coalesce { args }
        | Node::MinMax { args, .. } => all(args),
        Node::Array { elems } => all(elems),
        Node::SqlSyntax { pieces } => pieces.iter().try_for_each(|p| match p {
            Piece::Arg(a) => check_resolved(a),
            Piece::Text(_) => Ok(()),
        }),
        Node::Cast { arg, .. } | Node::NullTest { arg, .. } | Node::BoolTest { arg, .. } => {
            check_resolved(arg)
        }
        Node::SubLink { test, .. } => test.as_deref().map_or(Ok(()), check_resolved),
        Node::Agg {
            args,
            order,
            filter,
            over,
            ..
        } => {
            all(args)?;
            order.iter().try_for_each(|k| check_resolved(&k.expr))?;
            if let Some(f) = filter {
                check_resolved(f)?;
            }
            if let Some(w) = over {
                all(&w.partition)?;
                w.order.iter().try_for_each(|k| check_resolved(&k.expr))?;
            }
            Ok(())
        }
        Node::Case {
            arg,
            whens,
            default,
        } => {
            if let Some(a) = arg {
                check_resolved(a)?;
            }
            for (w, r) in whens {
                check_resolved(w)?;
                check_resolved(r)?;
            }
            check_resolved(default)
        }
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Coercion

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Coercion {
    Implicit,
    Assignment,
    Explicit,
}

/// `coerce_to_target_type`: `t` as a value of `target` (its modifier included).
fn coerce(t: Typed, target: &Ty, how: Coercion) -> R<Typed> {
    let implicit = how != Coercion::Explicit;
    if t.ty.same(target) {
        return Ok(t);
    }
    // A literal of unknown type becomes a constant of the target type.
    if t.ty.is_unknown() {
        if let Node::Const { value } = &t.node {
            let base = target.base();
            let value = match value {
                None => None,
                Some(v) => Some(literal_input(v, base)?),
            };
            let c = typed(
                Node::Const { value },
                Ty {
                    sql: base.name.clone(),
                    ..base.clone()
                },
            );
            let c = apply_typmod(c, base, implicit)?;
            if target.base.is_some() {
                return Ok(typed(
                    Node::Cast {
                        arg: Box::new(c),
                        implicit,
                        form: CastForm::Domain,
                        typmod: false,
                    },
                    target.clone(),
                ));
            }
            return Ok(c);
        }
        return err("an expression of unknown type");
    }
    // A domain value reaches its base type by relabelling.
    let src = t.ty.clone();
    let mut t = t;
    if src.base.is_some() {
        let b = src.base().clone();
        t = typed(
            Node::Cast {
                arg: Box::new(t),
                implicit: true,
                form: CastForm::Relabel,
                typmod: false,
            },
            b,
        );
        if t.ty.same(target) {
            // PostgreSQL hides the relabel of a domain to its base type only at the top.
            return Ok(t);
        }
    }
    let tb = target.base();
    let mut cur = t;
    if cur.ty.name != tb.name {
        let form = match cast_pathway(&cur.ty, &tb.name) {
            Some((ctx, m)) => {
                let ok = match how {
                    Coercion::Implicit => ctx == 'i',
                    Coercion::Assignment => ctx == 'i' || ctx == 'a',
                    Coercion::Explicit => true,
                };
                if !ok {
                    return err(format!(
                        "no implicit cast from {} to {}",
                        cur.ty.name, tb.name
                    ));
                }
                match m {
                    'b' => CastForm::Relabel,
                    'i' => CastForm::Io,
                    'a' => CastForm::Array,
                    _ => CastForm::Func,
                }
            }
            None => {
                // Casts through text input/output: to a string type (assignment) or from
                // one (explicit only).
                let string = |n: &str| matches!(n, "text" | "character varying" | "character");
                if string(&tb.name) && how != Coercion::Implicit
                    || string(&cur.ty.name) && how == Coercion::Explicit
                {
                    CastForm::Io
                } else {
                    return err(format!("no cast from {} to {}", cur.ty.name, tb.name));
                }
            }
        };
        cur = typed(
            Node::Cast {
                arg: Box::new(cur),
                implicit,
                form,
                typmod: false,
            },
            Ty {
                sql: tb.name.clone(),
                ..tb.clone()
            },
        );
    }
    cur = apply_typmod(cur, tb, implicit)?;
    if target.base.is_some() {
        cur = typed(
            Node::Cast {
                arg: Box::new(cur),
                implicit,
                form: CastForm::Domain,
                typmod: false,
            },
            target.clone(),
        );
    }
    Ok(cur)
}

/// `coerce_type_typmod`: a length coercion when the target has a modifier the value lacks.
/// A cast just made to reach the type is hidden below it (`hideInputCoercion`).
fn apply_typmod(t: Typed, target: &Ty, implicit: bool) -> R<Typed> {
    if !target.has_typmod() || t.ty.sql == target.sql {
        return Ok(t);
    }
    if target.is_array() {
        return err("an array type with a modifier");
    }
    let mut t = t;
    if let Node::Cast {
        implicit: inner_implicit,
        typmod: false,
        form,
        ..
    } = &mut t.node
        && *form != CastForm::Domain
    {
        *inner_implicit = true;
    }
    Ok(typed(
        Node::Cast {
            arg: Box::new(t),
            implicit,
            form: CastForm::Func,
            typmod: true,
        },
        target.clone(),
    ))
}

// ---------------------------------------------------------------------------------------------
// Literal input: the text a type's input and output functions turn a string literal into.

fn literal_input(v: &str, t: &Ty) -> R<String> {
    if let Some(elem) = t.element() {
        return array_literal(v, &elem);
    }
    if is_citext(t) {
        // citext keeps the text as written.
        return Ok(v.to_owned());
    }
    match t.kind {
        TypeKind::Enum => return Ok(v.to_owned()),
        TypeKind::Builtin => {}
        _ => return err(format!("a literal of type {}", t.name)),
    }
    match t.name.as_str() {
        "text" | "character varying" | "character" => Ok(v.to_owned()),
        "name" => {
            if v.len() >= 64 {
                return err("a name literal longer than 63 bytes");
            }
            Ok(v.to_owned())
        }
        "smallint" => int_literal(v, i64::from(i16::MIN), i64::from(i16::MAX)),
        "integer" => int_literal(v, i64::from(i32::MIN), i64::from(i32::MAX)),
        "bigint" => int_literal(v, i64::MIN, i64::MAX),
        "numeric" => numeric_text(v.trim()),
        "double precision" => float_literal(v, false),
        "real" => float_literal(v, true),
        "boolean" => bool_literal(v).map(|b| if b { "t" } else { "f" }.to_owned()),
        "date" => date_literal(v),
        "timestamp without time zone" => timestamp_literal(v),
        "timestamp with time zone" => timestamptz_literal(v),
        "time without time zone" => time_literal(v),
        "interval" => interval_literal(v),
        "uuid" => uuid_literal(v),
        "json" => Ok(v.to_owned()),
        "jsonb" => jsonb_literal(v),
        "bytea" => bytea_literal(v),
        other => err(format!("a literal of type {other}")),
    }
}

fn int_literal(v: &str, min: i64, max: i64) -> R<String> {
    let s = v.trim_matches(|c: char| c.is_ascii_whitespace());
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return err(format!("invalid integer literal {v:?}"));
    }
    let n: i128 = s
        .strip_prefix('+')
        .unwrap_or(s)
        .parse()
        .map_err(|_| ExprError {
            message: format!("invalid integer literal {v:?}"),
        })?;
    if n < i128::from(min) || n > i128::from(max) {
        return err(format!("integer literal {v:?} out of range"));
    }
    Ok(n.to_string())
}

/// `numeric_in` then `numeric_out`.
fn numeric_text(v: &str) -> R<String> {
    let lower = v.to_ascii_lowercase();
    match lower.as_str() {
        "nan" => return Ok("NaN".into()),
        "infinity" | "+infinity" | "inf" | "+inf" => return Ok("Infinity".into()),
        "-infinity" | "-inf" => return Ok("-Infinity".into()),
        _ => {}
    }
    let (neg, rest) = match v.as_bytes().first() {
        Some(b'-') => (true, &v[1..]),
        Some(b'+') => (false, &v[1..]),
        _ => (false, v),
    };
    let (mant, exp) = match rest.find(['e', 'E']) {
        Some(i) => {
            let e: i64 = rest[i + 1..].parse().map_err(|_| ExprError {
                message: format!("invalid numeric literal {v:?}"),
            })?;
            (&rest[..i], e)
        }
        None => (rest, 0),
    };
    let (ip, fp) = match mant.find('.') {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, ""),
    };
    if ip.is_empty() && fp.is_empty()
        || !ip.bytes().all(|b| b.is_ascii_digit())
        || !fp.bytes().all(|b| b.is_ascii_digit())
        || exp.abs() > 1000
    {
        return err(format!("invalid numeric literal {v:?}"));
    }
    let dscale = (fp.len() as i64 - exp).max(0);
    // The digits with the decimal point `point` places from the left.
    let digits = format!("{ip}{fp}");
    let point = ip.len() as i64 + exp;
    let mut int_part = String::new();
    let mut frac_part = String::new();
    for (i, c) in digits.chars().enumerate() {
        if (i as i64) < point {
            int_part.push(c);
        } else {
            frac_part.push(c);
        }
    }
    if point > digits.len() as i64 {
        int_part.push_str(&"0".repeat((point - digits.len() as i64) as usize));
    }
    if point < 0 {
        frac_part = format!("{}{}", "0".repeat((-point) as usize), frac_part);
    }
    let int_part = int_part.trim_start_matches('0');
    let int_part = if int_part.is_empty() { "0" } else { int_part };
    let mut frac: String = frac_part.chars().take(dscale as usize).collect();
    // Digits beyond the display scale can only be zeros (dscale >= written fraction).
    while (frac.len() as i64) < dscale {
        frac.push('0');
    }
    let zero = int_part == "0" && frac.bytes().all(|b| b == b'0');
    let mut out = String::new();
    if neg && !zero {
        out.push('-');
    }
    out.push_str(int_part);
    if dscale > 0 {
        out.push('.');
        out.push_str(&frac);
    }
    Ok(out)
}

fn float_literal(v: &str, single: bool) -> R<String> {
    let s = v.trim();
    let lower = s.to_ascii_lowercase();
    match lower.as_str() {
        "nan" => return Ok("NaN".into()),
        "infinity" | "+infinity" | "inf" | "+inf" => return Ok("Infinity".into()),
        "-infinity" | "-inf" => return Ok("-Infinity".into()),
        _ => {}
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return err(format!("invalid float literal {v:?}"));
    }
    let text = if single {
        let f: f32 = s.parse().map_err(|_| ExprError {
            message: format!("invalid float literal {v:?}"),
        })?;
        if f != 0.0 && !(1e-4..1e6).contains(&f.abs()) {
            return err("a float literal printed in exponent form");
        }
        format!("{f}")
    } else {
        let f: f64 = s.parse().map_err(|_| ExprError {
            message: format!("invalid float literal {v:?}"),
        })?;
        if f != 0.0 && !(1e-4..1e15).contains(&f.abs()) {
            return err("a float literal printed in exponent form");
        }
        format!("{f}")
    };
    Ok(text)
}

fn bool_literal(v: &str) -> R<bool> {
    let s = v.trim().to_ascii_lowercase();
    let prefix = |full: &str, min: usize| s.len() >= min && full.starts_with(s.as_str());
    if prefix("true", 1) || prefix("yes", 1) || s == "on" || s == "1" {
        return Ok(true);
    }
    if prefix("false", 1) || prefix("no", 1) || prefix("off", 2) || s == "0" {
        return Ok(false);
    }
    err(format!("invalid boolean literal {v:?}"))
}

fn parse_fixed(s: &str, n: usize) -> Option<u32> {
    if s.len() == n && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

fn valid_date(s: &str) -> Option<String> {
    let p: Vec<&str> = s.split('-').collect();
    let [y, m, d] = p[..] else { return None };
    let (y, m, d) = (parse_fixed(y, 4)?, parse_fixed(m, 2)?, parse_fixed(d, 2)?);
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (y >= 1 && (1..=days).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

fn date_literal(v: &str) -> R<String> {
    let s = v.trim();
    match s {
        "infinity" | "-infinity" => return Ok(s.to_owned()),
        _ => {}
    }
    valid_date(s).ok_or_else(|| ExprError {
        message: format!("a date literal not in ISO form: {v:?}"),
    })
}

fn valid_time(s: &str) -> Option<String> {
    let (hms, frac) = match s.split_once('.') {
        Some((a, f)) => (a, Some(f)),
        None => (s, None),
    };
    let p: Vec<&str> = hms.split(':').collect();
    let (h, m, sec) = match p[..] {
        [h, m] => (parse_fixed(h, 2)?, parse_fixed(m, 2)?, 0),
        [h, m, s] => (parse_fixed(h, 2)?, parse_fixed(m, 2)?, parse_fixed(s, 2)?),
        _ => return None,
    };
    if h > 23 || m > 59 || sec > 59 || (frac.is_some() && p.len() != 3) {
        return None;
    }
    let mut out = format!("{h:02}:{m:02}:{sec:02}");
    if let Some(f) = frac {
        if f.is_empty() || f.len() > 6 || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let f = f.trim_end_matches('0');
        if !f.is_empty() {
            out.push('.');
            out.push_str(f);
        }
    }
    Some(out)
}

fn timestamp_literal(v: &str) -> R<String> {
    let s = v.trim();
    if s == "infinity" || s == "-infinity" {
        return Ok(s.to_owned());
    }
    let bad = || ExprError {
        message: format!("a timestamp literal not in ISO form: {v:?}"),
    };
    let (d, t) = match s.split_once([' ', 'T']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let d = valid_date(d).ok_or_else(bad)?;
    let t = match t {
        Some(t) => valid_time(t).ok_or_else(bad)?,
        None => "00:00:00".to_owned(),
    };
    Ok(format!("{d} {t}"))
}

/// A `timestamp with time zone` literal with an explicit UTC offset (`+01`, `-05:30`, `Z`), as
/// the catalog reader prints it: its session's time zone is UTC. Without an offset the value
/// depends on the time zone of the session that stored it, which is not known offline.
fn timestamptz_literal(v: &str) -> R<String> {
    let s = v.trim();
    if s == "infinity" || s == "-infinity" {
        return Ok(s.to_owned());
    }
    let bad = || ExprError {
        message: format!(
            "a timestamp with time zone literal without an explicit offset or not in ISO \
             form (its stored value depends on the session's time zone): {v:?}"
        ),
    };
    let (d, rest) = s.split_once([' ', 'T']).ok_or_else(bad)?;
    let (time, offset) = if let Some(t) = rest.strip_suffix('Z') {
        (t, 0i64)
    } else {
        let at = rest.rfind(['+', '-']).ok_or_else(bad)?;
        let (t, off) = rest.split_at(at);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let digits: String = off[1..].chars().filter(|c| *c != ':').collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) || !matches!(digits.len(), 2 | 4) {
            return Err(bad());
        }
        let h: i64 = digits[..2].parse().map_err(|_| bad())?;
        let m: i64 = if digits.len() == 4 {
            digits[2..].parse().map_err(|_| bad())?
        } else {
            0
        };
        if h > 15 || m > 59 {
            return Err(bad());
        }
        (t.trim_end(), sign * (h * 3600 + m * 60))
    };
    let date = valid_date(d).ok_or_else(bad)?;
    let time = valid_time(time).ok_or_else(bad)?;
    let num = |x: &str| x.parse::<i64>().map_err(|_| bad());
    let (y, mo, da) = (num(&date[0..4])?, num(&date[5..7])?, num(&date[8..10])?);
    if date.len() != 10 || y < 1 {
        return Err(bad());
    }
    let (hms, frac) = match time.split_once('.') {
        Some((a, f)) => (a, Some(f)),
        None => (time.as_str(), None),
    };
    let (h, mi, se) = (num(&hms[0..2])?, num(&hms[3..5])?, num(&hms[6..8])?);
    let days = days_from_civil(y, mo, da);
    let total = days * 86_400 + h * 3600 + mi * 60 + se - offset;
    let (days, secs) = (total.div_euclid(86_400), total.rem_euclid(86_400));
    let (y, mo, da) = civil_from_days(days);
    if y < 1 {
        return Err(bad());
    }
    let mut out = format!(
        "{y:04}-{mo:02}-{da:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    );
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out.push_str("+00");
    Ok(out)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

fn time_literal(v: &str) -> R<String> {
    valid_time(v.trim()).ok_or_else(|| ExprError {
        message: format!("a time literal not in ISO form: {v:?}"),
    })
}

/// Intervals of whole units (`1 day`, `2 hours 30 minutes`, `1 year 2 mons`), printed in the
/// default `postgres` interval style.
fn interval_literal(v: &str) -> R<String> {
    let bad = || ExprError {
        message: format!("an interval literal not reproduced offline: {v:?}"),
    };
    let words: Vec<&str> = v.split_whitespace().collect();
    if words.is_empty() || words.len() % 2 != 0 {
        return Err(bad());
    }
    let (mut months, mut days, mut secs) = (0i64, 0i64, 0i64);
    for pair in words.chunks(2) {
        let n: i64 = pair[0].parse().map_err(|_| bad())?;
        if n.abs() > 1_000_000 {
            return Err(bad());
        }
        match pair[1].to_ascii_lowercase().as_str() {
            "year" | "years" | "y" | "yr" | "yrs" => months += 12 * n,
            "month" | "months" | "mon" | "mons" => months += n,
            "week" | "weeks" | "w" => days += 7 * n,
            "day" | "days" | "d" => days += n,
            "hour" | "hours" | "h" | "hr" | "hrs" => secs += 3600 * n,
            "minute" | "minutes" | "min" | "mins" | "m" => secs += 60 * n,
            "second" | "seconds" | "sec" | "secs" | "s" => secs += n,
            _ => return Err(bad()),
        }
    }
    if months < 0 || days < 0 || secs < 0 {
        return Err(bad());
    }
    let mut parts = Vec::new();
    let (y, mo) = (months / 12, months % 12);
    let plural = |n: i64, one: &str, many: &str| {
        if n == 1 {
            format!("{n} {one}")
        } else {
            format!("{n} {many}")
        }
    };
    if y != 0 {
        parts.push(plural(y, "year", "years"));
    }
    if mo != 0 {
        parts.push(plural(mo, "mon", "mons"));
    }
    if days != 0 {
        parts.push(plural(days, "day", "days"));
    }
    if secs != 0 || parts.is_empty() {
        parts.push(format!(
            "{:02}:{:02}:{:02}",
            secs / 3600,
            secs % 3600 / 60,
            secs % 60
        ));
    }
    Ok(parts.join(" "))
}

fn uuid_literal(v: &str) -> R<String> {
    let s = v.trim();
    let s = s
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(s);
    let hex: String = s.chars().filter(|&c| c != '-').collect();
    let standard = s.len() == 36
        && s.char_indices()
            .all(|(i, c)| (c == '-') == matches!(i, 8 | 13 | 18 | 23));
    if hex.len() != 32
        || !hex.chars().all(|c| c.is_ascii_hexdigit())
        || !(standard || s.len() == 32)
    {
        return err(format!("a uuid literal not reproduced offline: {v:?}"));
    }
    let h = hex.to_ascii_lowercase();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}

fn bytea_literal(v: &str) -> R<String> {
    let Some(hex) = v.strip_prefix("\\x") else {
        return err("a bytea literal in escape form");
    };
    if hex.len() % 2 != 0 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return err(format!("invalid bytea literal {v:?}"));
    }
    Ok(format!("\\x{}", hex.to_ascii_lowercase()))
}

/// One-dimensional array literals, each element read by the element type's input.
fn array_literal(v: &str, elem: &Ty) -> R<String> {
    let bad = || ExprError {
        message: format!("an array literal not reproduced offline: {v:?}"),
    };
    let s = v.trim_matches(|c: char| c.is_ascii_whitespace());
    let inner = s
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .ok_or_else(bad)?;
    if inner.contains(['{', '}']) {
        return Err(bad());
    }
    if inner.trim().is_empty() {
        return Ok("{}".into());
    }
    let mut items: Vec<Option<String>> = Vec::new();
    let chars: Vec<char> = inner.chars().collect();
    let mut i = 0;
    loop {
        while i < chars.len() && chars[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut item = String::new();
        let mut quoted = false;
        if chars.get(i) == Some(&'"') {
            quoted = true;
            i += 1;
            loop {
                let c = *chars.get(i).ok_or_else(bad)?;
                i += 1;
                match c {
                    '"' => break,
                    '\\' => {
                        item.push(*chars.get(i).ok_or_else(bad)?);
                        i += 1;
                    }
                    c => item.push(c),
                }
            }
            while i < chars.len() && chars[i].is_ascii_whitespace() {
                i += 1;
            }
        } else {
            while i < chars.len() && chars[i] != ',' {
                if matches!(chars[i], '"' | '\\') {
                    return Err(bad());
                }
                item.push(chars[i]);
                i += 1;
            }
            item = item
                .trim_end_matches(|c: char| c.is_ascii_whitespace())
                .to_owned();
            if item.is_empty() {
                return Err(bad());
            }
        }
        if !quoted && item.eq_ignore_ascii_case("null") {
            items.push(None);
        } else {
            items.push(Some(literal_input(&item, elem)?));
        }
        match chars.get(i) {
            None => break,
            Some(',') => i += 1,
            Some(_) => return Err(bad()),
        }
    }
    let out: Vec<String> = items
        .into_iter()
        .map(|it| match it {
            None => "NULL".to_owned(),
            Some(x) => array_element_out(&x),
        })
        .collect();
    Ok(format!("{{{}}}", out.join(",")))
}

fn array_element_out(x: &str) -> String {
    let needs = x.is_empty()
        || x.eq_ignore_ascii_case("null")
        || x.chars().any(|c| {
            matches!(
                c,
                '"' | '\\' | '{' | '}' | ',' | ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'
            )
        });
    if !needs {
        return x.to_owned();
    }
    let mut s = String::from("\"");
    for c in x.chars() {
        if c == '"' || c == '\\' {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('"');
    s
}

/// `jsonb_in` then `jsonb_out`: keys sorted (shorter first, then bytewise), duplicates keep
/// the last value, `", "` and `": "` separators, numbers as `numeric_out` prints them.
fn jsonb_literal(v: &str) -> R<String> {
    let mut p = Json {
        s: v.as_bytes(),
        i: 0,
    };
    let value = p.value()?;
    p.ws();
    if p.i != p.s.len() {
        return err(format!("invalid jsonb literal {v:?}"));
    }
    let mut out = String::new();
    write_json(&value, &mut out);
    Ok(out)
}

enum JsonValue {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<JsonValue>),
    Object(Vec<(String, JsonValue)>),
}

struct Json<'a> {
    s: &'a [u8],
    i: usize,
}

impl Json<'_> {
    fn bad<T>(&self) -> R<T> {
        err("invalid jsonb literal")
    }

    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn eat(&mut self, word: &str) -> bool {
        if self.s[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> R<JsonValue> {
        self.ws();
        let Some(&c) = self.s.get(self.i) else {
            return self.bad();
        };
        match c {
            b'{' => {
                self.i += 1;
                let mut fields: Vec<(String, JsonValue)> = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Ok(JsonValue::Object(fields));
                }
                loop {
                    self.ws();
                    let key = self.string()?;
                    self.ws();
                    if !self.eat(":") {
                        return self.bad();
                    }
                    let v = self.value()?;
                    fields.retain(|(k, _)| *k != key);
                    fields.push((key, v));
                    self.ws();
                    if self.eat(",") {
                        continue;
                    }
                    if self.eat("}") {
                        break;
                    }
                    return self.bad();
                }
                fields.sort_by(|a, b| {
                    a.0.len()
                        .cmp(&b.0.len())
                        .then_with(|| a.0.as_bytes().cmp(b.0.as_bytes()))
                });
                Ok(JsonValue::Object(fields))
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat("]") {
                    return Ok(JsonValue::Array(items));
                }
                loop {
                    items.push(self.value()?);
                    self.ws();
                    if self.eat(",") {
                        continue;
                    }
                    if self.eat("]") {
                        break;
                    }
                    return self.bad();
                }
                Ok(JsonValue::Array(items))
            }
            b'"' => Ok(JsonValue::String(self.string()?)),
            b't' if self.eat("true") => Ok(JsonValue::Bool(true)),
            b'f' if self.eat("false") => Ok(JsonValue::Bool(false)),
            b'n' if self.eat("null") => Ok(JsonValue::Null),
            b'-' | b'0'..=b'9' => {
                let start = self.i;
                if self.s[self.i] == b'-' {
                    self.i += 1;
                }
                let int_start = self.i;
                while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
                    self.i += 1;
                }
                let int = &self.s[int_start..self.i];
                if int.is_empty() || (int.len() > 1 && int[0] == b'0') {
                    return self.bad();
                }
                if self.eat(".") {
                    let f = self.i;
                    while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
                        self.i += 1;
                    }
                    if f == self.i {
                        return self.bad();
                    }
                }
                if self.i < self.s.len() && matches!(self.s[self.i], b'e' | b'E') {
                    self.i += 1;
                    if self.i < self.s.len() && matches!(self.s[self.i], b'+' | b'-') {
                        self.i += 1;
                    }
                    let e = self.i;
                    while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
                        self.i += 1;
                    }
                    if e == self.i {
                        return self.bad();
                    }
                }
                let text = std::str::from_utf8(&self.s[start..self.i]).map_err(|_| ExprError {
                    message: "invalid jsonb literal".into(),
                })?;
                Ok(JsonValue::Number(numeric_text(text)?))
            }
            _ => self.bad(),
        }
    }

    fn string(&mut self) -> R<String> {
        if !self.eat("\"") {
            return self.bad();
        }
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(&c) = self.s.get(self.i) else {
                return self.bad();
            };
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let Some(&e) = self.s.get(self.i) else {
                        return self.bad();
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push(b'"'),
                        b'\\' => out.push(b'\\'),
                        b'/' => out.push(b'/'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        // \u escapes (surrogates, \u0000) are left to the server.
                        _ => return err("a jsonb literal with \\u escapes"),
                    }
                }
                c if c < 0x20 => return self.bad(),
                c => out.push(c),
            }
        }
        String::from_utf8(out).map_err(|_| ExprError {
            message: "invalid jsonb literal".into(),
        })
    }
}

fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_json(v: &JsonValue, out: &mut String) {
    match v {
        JsonValue::Null => out.push_str("null"),
        JsonValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        JsonValue::Number(n) => out.push_str(n),
        JsonValue::String(s) => write_json_string(s, out),
        JsonValue::Array(items) => {
            out.push('[');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_json(it, out);
            }
            out.push(']');
        }
        JsonValue::Object(fields) => {
            out.push('{');
            for (i, (k, it)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_json_string(k, out);
                out.push_str(": ");
                write_json(it, out);
            }
            out.push('}');
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Analysis: sqlparser's tree to the typed tree PostgreSQL's parser builds.

struct Analyzer<'a> {
    scope: &'a dyn Scope,
    /// Set inside a query (a view's body): columns of its relations, aggregates, subqueries.
    hooks: Option<&'a dyn QueryHooks>,
    depth: usize,
}

fn fold(ident: &Ident) -> String {
    if ident.quote_style.is_some() {
        ident.value.clone()
    } else {
        ident.value.to_ascii_lowercase()
    }
}

/// Keywords that read as SQL value functions without parentheses.
const SQL_VALUE_KEYWORDS: &[&str] = &[
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "localtime",
    "localtimestamp",
    "session_user",
    "user",
];

/// Names that are keywords needing quotes only in some PostgreSQL majors (16 and 17): the
/// printed form depends on the server, so they are refused.
const VERSION_KEYWORDS: &[&str] = &[
    "json",
    "json_array",
    "json_arrayagg",
    "json_exists",
    "json_object",
    "json_objectagg",
    "json_query",
    "json_scalar",
    "json_serialize",
    "json_table",
    "json_value",
    "merge_action",
    "system_user",
];

fn ident_out(name: &str) -> R<String> {
    if VERSION_KEYWORDS.contains(&name) && is_quoted_keyword(name) {
        return err(format!(
            "the name {name} is printed differently by PostgreSQL majors"
        ));
    }
    Ok(quote_ident(name))
}

fn object_parts(name: &ObjectName) -> R<Vec<String>> {
    name.0
        .iter()
        .map(|p| match p.as_ident() {
            Some(i) => Ok(fold(i)),
            None => err("an unsupported name"),
        })
        .collect()
}

fn bool_ty() -> Ty {
    Ty::builtin("boolean")
}

impl Analyzer<'_> {
    fn analyze(&mut self, e: &Expr) -> R<Typed> {
        self.depth += 1;
        if self.depth > 200 {
            return err("expression nested too deeply");
        }
        let r = self.analyze_inner(e);
        self.depth -= 1;
        r
    }

    fn analyze_inner(&mut self, e: &Expr) -> R<Typed> {
        match e {
            Expr::Nested(inner) => self.analyze(inner),
            Expr::Value(v) => self.value(&v.value, false),
            Expr::Identifier(id) => {
                let name = fold(id);
                if id.quote_style.is_none() && SQL_VALUE_KEYWORDS.contains(&name.as_str()) {
                    return self.sql_value(&name, &None)?.ok_or_else(|| ExprError {
                        message: format!("unsupported keyword {name}"),
                    });
                }
                self.column(None, &name, id.quote_style.is_none())
            }
            Expr::CompoundIdentifier(parts) => match parts.as_slice() {
                [q, c] => self.column(Some(&fold(q)), &fold(c), false),
                _ => err("a column name with more than two parts"),
            },
            Expr::UnaryOp { op, expr } => self.unary(*op, expr),
            Expr::BinaryOp { left, op, right } => self.binary(left, op, right),
            Expr::IsNull(x) => self.null_test(x, false),
            Expr::IsNotNull(x) => self.null_test(x, true),
            Expr::IsTrue(x) => self.bool_test(x, "IS TRUE"),
            Expr::IsNotTrue(x) => self.bool_test(x, "IS NOT TRUE"),
            Expr::IsFalse(x) => self.bool_test(x, "IS FALSE"),
            Expr::IsNotFalse(x) => self.bool_test(x, "IS NOT FALSE"),
            Expr::IsUnknown(x) => self.bool_test(x, "IS UNKNOWN"),
            Expr::IsNotUnknown(x) => self.bool_test(x, "IS NOT UNKNOWN"),
            Expr::IsDistinctFrom(a, b) => self.distinct(a, b, false),
            Expr::IsNotDistinctFrom(a, b) => self.distinct(a, b, true),
            Expr::InList {
                expr,
                list,
                negated,
            } => self.in_list(expr, list, *negated),
            Expr::Between {
                expr,
                negated,
                low,
                high,
            } => self.between(expr, *negated, low, high),
            Expr::Like {
                negated,
                any: false,
                expr,
                pattern,
                escape_char: None,
            } => self.op_exprs(if *negated { "!~~" } else { "~~" }, expr, pattern),
            Expr::ILike {
                negated,
                any: false,
                expr,
                pattern,
                escape_char: None,
            } => self.op_exprs(if *negated { "!~~*" } else { "~~*" }, expr, pattern),
            Expr::AnyOp {
                left,
                compare_op,
                right,
                is_some: _,
            } => self.array_op(left, compare_op, right, true),
            Expr::AllOp {
                left,
                compare_op,
                right,
            } => self.array_op(left, compare_op, right, false),
            Expr::Cast {
                kind: CastKind::DoubleColon | CastKind::Cast,
                expr,
                data_type,
                format: None,
            } => self.cast(expr, data_type),
            Expr::TypedString(ts) => {
                let v = match &ts.value.value {
                    Value::SingleQuotedString(s) => s.clone(),
                    _ => return err("an unsupported typed literal"),
                };
                let ty = self.data_type(&ts.data_type)?;
                let lit = typed(Node::Const { value: Some(v) }, Ty::unknown());
                coerce(lit, &ty, Coercion::Explicit)
            }
            Expr::Interval(iv) => {
                if iv.leading_field.is_some()
                    || iv.last_field.is_some()
                    || iv.leading_precision.is_some()
                    || iv.fractional_seconds_precision.is_some()
                {
                    return err("an interval literal with fields");
                }
                let Expr::Value(v) = iv.value.as_ref() else {
                    return err("an interval literal that is not a string");
                };
                let Value::SingleQuotedString(s) = &v.value else {
                    return err("an interval literal that is not a string");
                };
                let lit = typed(
                    Node::Const {
                        value: Some(s.clone()),
                    },
                    Ty::unknown(),
                );
                coerce(lit, &Ty::builtin("interval"), Coercion::Explicit)
            }
            Expr::Function(f) => self.function(f),
            Expr::Subquery(q) => self.sublink(SubLinkKind::Expr, None, q),
            Expr::Exists { subquery, negated } => {
                let t = self.sublink(SubLinkKind::Exists, None, subquery)?;
                Ok(if *negated { not(t) } else { t })
            }
            Expr::InSubquery {
                expr,
                subquery,
                negated,
            } => {
                let t = self.sublink(SubLinkKind::Any("=".into()), Some(expr), subquery)?;
                Ok(if *negated { not(t) } else { t })
            }
            Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => self.case(operand.as_deref(), conditions, else_result.as_deref()),
            Expr::Array(arr) => {
                let elems = arr
                    .elem
                    .iter()
                    .map(|x| self.analyze(x))
                    .collect::<R<Vec<_>>>()?;
                self.array(elems, None)
            }
            Expr::Trim {
                trim_where,
                trim_what,
                expr,
                trim_characters: None,
            } => self.trim(trim_where.as_ref(), trim_what.as_deref(), expr),
            Expr::Extract { field, expr, .. } => self.extract(field, expr),
            Expr::Substring {
                expr,
                substring_from: Some(from),
                substring_for,
                special: false,
                shorthand: false,
            } => self.substring(expr, from, substring_for.as_deref()),
            Expr::Position { expr, r#in } => self.position(expr, r#in),
            Expr::Substring {
                expr,
                substring_from: Some(from),
                substring_for,
                special,
                shorthand,
            } => {
                let mut args = vec![self.analyze(expr)?, self.analyze(from)?];
                if let Some(f) = substring_for {
                    args.push(self.analyze(f)?);
                }
                let name = if *shorthand {
                    "substr"
                } else if *special {
                    "substring"
                } else {
                    return err("unsupported SUBSTRING form");
                };
                let (args, result) = self.sql_function(name, args)?;
                Ok(typed(
                    Node::Func {
                        name: ident_out(name)?,
                        args,
                    },
                    result,
                ))
            }
            Expr::Floor {
                expr,
                field: CeilFloorKind::DateTimeField(DateTimeField::NoDateTime),
            }
            | Expr::Ceil {
                expr,
                field: CeilFloorKind::DateTimeField(DateTimeField::NoDateTime),
            } => {
                let name = if matches!(e, Expr::Floor { .. }) {
                    "floor"
                } else {
                    "ceil"
                };
                let args = vec![self.analyze(expr)?];
                let (args, result) = self.sql_function(name, args)?;
                Ok(typed(
                    Node::Func {
                        name: name.into(),
                        args,
                    },
                    result,
                ))
            }
            Expr::SimilarTo {
                negated,
                expr,
                pattern,
                escape_char,
            } => {
                let x = self.analyze(expr)?;
                let mut args = vec![coerce(
                    self.analyze(pattern)?,
                    &Ty::builtin("text"),
                    Coercion::Implicit,
                )?];
                if let Some(esc) = escape_char {
                    args.push(coerce(
                        self.analyze(esc)?,
                        &Ty::builtin("text"),
                        Coercion::Implicit,
                    )?);
                }
                if args.iter().any(|a| a.ty.name != "text") {
                    return err("SIMILAR TO with a pattern that is not text");
                }
                let pat = typed(
                    Node::Func {
                        name: "similar_to_escape".into(),
                        args,
                    },
                    Ty::builtin("text"),
                );
                self.operator(if *negated { "!~" } else { "~" }, vec![x, pat])
            }
            _ => err(format!("unsupported expression: {e}")),
        }
    }

    fn value(&mut self, v: &Value, negative: bool) -> R<Typed> {
        match v {
            Value::Number(n, false) => self.number(n, negative),
            Value::SingleQuotedString(s)
            | Value::EscapedStringLiteral(s)
            | Value::UnicodeStringLiteral(s) => Ok(typed(
                Node::Const {
                    value: Some(s.clone()),
                },
                Ty::unknown(),
            )),
            Value::DollarQuotedString(d) => Ok(typed(
                Node::Const {
                    value: Some(d.value.clone()),
                },
                Ty::unknown(),
            )),
            Value::Boolean(b) => Ok(typed(
                Node::Const {
                    value: Some(if *b { "t" } else { "f" }.into()),
                },
                bool_ty(),
            )),
            Value::Null => Ok(typed(Node::Const { value: None }, Ty::unknown())),
            Value::Placeholder(p) => {
                let Some(h) = self.hooks else {
                    return err(format!("a parameter reference {p}"));
                };
                let number = p
                    .strip_prefix('$')
                    .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|n| n.parse::<usize>().ok())
                    .ok_or_else(|| ExprError {
                        message: format!("unsupported parameter {p}"),
                    })?;
                let (text, ty) = h.parameter_number(number)?;
                Ok(typed(Node::SqlValue { text }, Ty::from_resolved(&ty)?))
            }
            _ => err(format!("unsupported literal {v}")),
        }
    }

    /// `make_const` for a numeric literal (with a folded minus sign).
    fn number(&mut self, n: &str, negative: bool) -> R<Typed> {
        if n.contains('_') || n.starts_with("0x") || n.starts_with("0o") || n.starts_with("0b") {
            return err("a numeric literal with underscores or a radix prefix");
        }
        let text = if negative {
            format!("-{n}")
        } else {
            n.to_owned()
        };
        if n.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(v) = text.parse::<i64>() {
                let ty = if i32::try_from(v).is_ok() {
                    "integer"
                } else {
                    "bigint"
                };
                return Ok(typed(
                    Node::Const {
                        value: Some(v.to_string()),
                    },
                    Ty::builtin(ty),
                ));
            }
        }
        Ok(typed(
            Node::Const {
                value: Some(numeric_text(&text)?),
            },
            Ty::builtin("numeric"),
        ))
    }

    fn column(&mut self, qualifier: Option<&str>, name: &str, unquoted: bool) -> R<Typed> {
        if let Some(h) = self.hooks {
            let c = match h.column(qualifier, name) {
                Ok(c) => c,
                Err(e) => match h.parameter(qualifier, name)? {
                    Some((text, ty)) => {
                        return Ok(typed(Node::SqlValue { text }, Ty::from_resolved(&ty)?));
                    }
                    None => return Err(e),
                },
            };
            return Ok(typed(
                Node::Var {
                    prefix: c.prefix,
                    name: c.name,
                },
                Ty::from_resolved(&c.ty)?,
            ));
        }
        if qualifier.is_none() && name == "value" && unquoted {
            match self.scope.domain_check() {
                Some(true) => {
                    let ty = self.scope.column(None, "value").ok_or_else(|| ExprError {
                        message: "VALUE without a domain base type".into(),
                    })?;
                    return Ok(typed(Node::DomainValue, Ty::from_resolved(&ty)?));
                }
                Some(false) => {}
                None => return err("VALUE: the scope does not say whether this is a domain check"),
            }
        }
        let ty = self
            .scope
            .column(qualifier, name)
            .ok_or_else(|| ExprError {
                message: format!(
                    "unknown column {}{name}",
                    qualifier.map(|q| format!("{q}.")).unwrap_or_default()
                ),
            })?;
        let prefix = match qualifier {
            Some(q @ ("new" | "old")) => Some(q.to_owned()),
            _ => None,
        };
        Ok(typed(
            Node::Var {
                prefix,
                name: name.to_owned(),
            },
            Ty::from_resolved(&ty)?,
        ))
    }

    fn unary(&mut self, op: UnaryOperator, x: &Expr) -> R<Typed> {
        let mut inner = x;
        while let Expr::Nested(i) = inner {
            inner = i;
        }
        match op {
            UnaryOperator::Not => {
                let a = self.analyze(x)?;
                let a = coerce_bool(a)?;
                Ok(typed(
                    Node::Bool {
                        op: BoolOp::Not,
                        args: vec![a],
                    },
                    bool_ty(),
                ))
            }
            UnaryOperator::Minus => {
                if let Expr::Value(v) = inner
                    && let Value::Number(n, false) = &v.value
                {
                    return self.number(n, true);
                }
                if let Expr::UnaryOp {
                    op: UnaryOperator::Minus,
                    expr: inner2,
                } = inner
                {
                    let mut i2 = inner2.as_ref();
                    while let Expr::Nested(i) = i2 {
                        i2 = i;
                    }
                    if let Expr::Value(v) = i2
                        && let Value::Number(_, false) = &v.value
                    {
                        return err("a doubly negated literal");
                    }
                }
                let a = self.analyze(x)?;
                self.operator("-", vec![a])
            }
            UnaryOperator::Plus => {
                let a = self.analyze(x)?;
                self.operator("+", vec![a])
            }
            _ => err(format!("unsupported unary operator {op}")),
        }
    }

    fn binary(&mut self, l: &Expr, op: &BinaryOperator, r: &Expr) -> R<Typed> {
        use BinaryOperator as B;
        let name = match op {
            B::And | B::Or => {
                let is_and = matches!(op, B::And);
                let left = self.analyze(l)?;
                let left = coerce_bool(left)?;
                let right = self.analyze(r)?;
                let right = coerce_bool(right)?;
                let bop = if is_and { BoolOp::And } else { BoolOp::Or };
                // The grammar flattens a chain written left to right (`a AND b AND c`) only;
                // parentheses and BETWEEN make their own nodes.
                let flattens = match l {
                    Expr::BinaryOp { op: lop, .. } => {
                        matches!((lop, is_and), (B::And, true) | (B::Or, false))
                    }
                    _ => false,
                };
                let mut args = Vec::new();
                match left.node {
                    Node::Bool { op: o, args: a } if o == bop && flattens => args.extend(a),
                    n => args.push(typed(n, left.ty)),
                }
                args.push(right);
                return Ok(typed(Node::Bool { op: bop, args }, bool_ty()));
            }
            B::Plus => "+",
            B::Minus => "-",
            B::Multiply => "*",
            B::Divide => "/",
            B::Modulo => "%",
            B::StringConcat => "||",
            B::Gt => ">",
            B::Lt => "<",
            B::GtEq => ">=",
            B::LtEq => "<=",
            B::Eq => "=",
            B::NotEq => "<>",
            B::PGRegexMatch => "~",
            B::PGRegexIMatch => "~*",
            B::PGRegexNotMatch => "!~",
            B::PGRegexNotIMatch => "!~*",
            B::PGLikeMatch => "~~",
            B::PGILikeMatch => "~~*",
            B::PGNotLikeMatch => "!~~",
            B::PGNotILikeMatch => "!~~*",
            B::Arrow => "->",
            B::LongArrow => "->>",
            B::HashArrow => "#>",
            B::HashLongArrow => "#>>",
            B::AtArrow => "@>",
            B::ArrowAt => "<@",
            B::Question => "?",
            B::QuestionPipe => "?|",
            B::QuestionAnd => "?&",
            B::PGOverlap => "&&",
            B::PGExp => "^",
            B::HashMinus => "#-",
            B::Custom(s) if s == "&&" => "&&",
            B::PGCustomBinaryOperator(parts) => return self.schema_operator(parts, l, r),
            _ => return err(format!("unsupported operator {op}")),
        };
        self.op_exprs(name, l, r)
    }

    fn op_exprs(&mut self, name: &str, l: &Expr, r: &Expr) -> R<Typed> {
        let a = self.analyze(l)?;
        let b = self.analyze(r)?;
        self.operator(name, vec![a, b])
    }

    /// `a OPERATOR(schema.op) b`: citext's own comparison and pattern operators, named with
    /// the schema citext lives in (both sides become citext); any other is refused.
    fn schema_operator(&mut self, parts: &[String], l: &Expr, r: &Expr) -> R<Typed> {
        const CITEXT_OPERATORS: &[&str] = &[
            "=", "<>", "<", "<=", ">", ">=", "~~", "~~*", "!~~", "!~~*", "~", "~*", "!~", "!~*",
        ];
        let [schema, op] = parts else {
            return err(format!(
                "unsupported operator OPERATOR({})",
                parts.join(".")
            ));
        };
        let a = self.analyze(l)?;
        let b = self.analyze(r)?;
        let schema_sql = quote_ident(schema);
        let citext = [&a, &b].into_iter().map(|t| t.ty.base().clone()).find(|t| {
            is_citext(t)
                && t.name
                    .rsplit_once('.')
                    .is_some_and(|(s, _)| s == schema_sql.as_str())
        });
        let Some(citext) = citext else {
            return err(format!("unsupported operator OPERATOR({schema}.{op})"));
        };
        if !CITEXT_OPERATORS.contains(&op.as_str()) {
            return err(format!("unsupported operator OPERATOR({schema}.{op})"));
        }
        let args = vec![
            coerce(a, &citext, Coercion::Implicit)?,
            coerce(b, &citext, Coercion::Implicit)?,
        ];
        Ok(typed(
            Node::Op {
                name: format!("OPERATOR({schema_sql}.{op})"),
                args,
            },
            bool_ty(),
        ))
    }

    /// citext values resolve through its casts to text only while the extension's schema is
    /// off the search path (else its own operators and functions would be chosen).
    fn citext_off_path(&self, args: &[Typed]) -> R<()> {
        if args.iter().any(|a| is_citext(a.ty.base()))
            && self.scope.user_type(None, "citext").is_some()
        {
            return err("citext with its extension's schema on the search path");
        }
        Ok(())
    }

    /// `make_op`: resolve the operator, coerce the arguments to its declared types.
    fn operator(&mut self, name: &str, args: Vec<Typed>) -> R<Typed> {
        self.citext_off_path(&args)?;
        let (declared, result) = resolve_operator(name, &args)?;
        let args = args
            .into_iter()
            .zip(&declared)
            .map(|(a, d)| coerce(a, d, Coercion::Implicit))
            .collect::<R<Vec<_>>>()?;
        Ok(typed(
            Node::Op {
                name: name.to_owned(),
                args,
            },
            result,
        ))
    }

    fn null_test(&mut self, x: &Expr, not: bool) -> R<Typed> {
        let a = self.analyze(x)?;
        if a.ty.base().kind == TypeKind::Composite {
            return err("IS NULL on a row value");
        }
        Ok(typed(
            Node::NullTest {
                arg: Box::new(a),
                not,
            },
            bool_ty(),
        ))
    }

    fn bool_test(&mut self, x: &Expr, test: &'static str) -> R<Typed> {
        let a = self.analyze(x)?;
        let a = coerce_bool(a)?;
        Ok(typed(
            Node::BoolTest {
                arg: Box::new(a),
                test,
            },
            bool_ty(),
        ))
    }

    fn distinct(&mut self, a: &Expr, b: &Expr, not: bool) -> R<Typed> {
        let a = self.analyze(a)?;
        let b = self.analyze(b)?;
        let args = vec![a, b];
        let (declared, result) = resolve_operator("=", &args)?;
        if result.name != "boolean" {
            return err("IS DISTINCT FROM with a non-boolean equality");
        }
        let args = args
            .into_iter()
            .zip(&declared)
            .map(|(a, d)| coerce(a, d, Coercion::Implicit))
            .collect::<R<Vec<_>>>()?;
        let d = typed(Node::Distinct { args }, bool_ty());
        if not {
            return Ok(typed(
                Node::Bool {
                    op: BoolOp::Not,
                    args: vec![d],
                },
                bool_ty(),
            ));
        }
        Ok(d)
    }

    fn between(&mut self, x: &Expr, negated: bool, low: &Expr, high: &Expr) -> R<Typed> {
        let a = self.analyze(x)?;
        if contains_volatile(&a) {
            return err("BETWEEN on a volatile expression");
        }
        let lo = self.analyze(low)?;
        let hi = self.analyze(high)?;
        let (o1, o2, op) = if negated {
            ("<", ">", BoolOp::Or)
        } else {
            (">=", "<=", BoolOp::And)
        };
        let c1 = self.operator(o1, vec![a.clone(), lo])?;
        let c2 = self.operator(o2, vec![a, hi])?;
        let c1 = coerce_bool(c1)?;
        let c2 = coerce_bool(c2)?;
        Ok(typed(
            Node::Bool {
                op,
                args: vec![c1, c2],
            },
            bool_ty(),
        ))
    }

    /// `transformAExprIn`.
    fn in_list(&mut self, x: &Expr, list: &[Expr], negated: bool) -> R<Typed> {
        let (opname, use_or) = if negated { ("<>", false) } else { ("=", true) };
        let left = self.analyze(x)?;
        let items = list
            .iter()
            .map(|e| self.analyze(e))
            .collect::<R<Vec<_>>>()?;
        let (vars, nonvars): (Vec<Typed>, Vec<Typed>) =
            items.iter().cloned().partition(contains_var);
        let mut result: Option<Typed> = None;
        let mut rest = items;
        if nonvars.len() > 1 {
            let mut all = vec![left.clone()];
            all.extend(nonvars.iter().cloned());
            let scalar = common_type(&all)?;
            if scalar.base().kind == TypeKind::Composite {
                return err("IN with row values");
            }
            let elems = nonvars
                .into_iter()
                .map(|e| coerce(e, &scalar, Coercion::Implicit))
                .collect::<R<Vec<_>>>()?;
            let elem_ty = Ty {
                sql: scalar.name.clone(),
                ..scalar.clone()
            };
            let arr = typed(Node::Array { elems }, elem_ty.array_of_keep_kind());
            result = Some(self.scalar_array(opname, use_or, left.clone(), arr)?);
            rest = vars;
        }
        for item in rest {
            let cmp = self.operator(opname, vec![left.clone(), item])?;
            let cmp = coerce_bool(cmp)?;
            result = Some(match result {
                None => cmp,
                Some(prev) => typed(
                    Node::Bool {
                        op: if use_or { BoolOp::Or } else { BoolOp::And },
                        args: vec![prev, cmp],
                    },
                    bool_ty(),
                ),
            });
        }
        result.ok_or_else(|| ExprError {
            message: "an empty IN list".into(),
        })
    }

    /// `make_scalar_array_op`.
    fn scalar_array(&mut self, opname: &str, any: bool, left: Typed, arr: Typed) -> R<Typed> {
        let elem = if arr.ty.is_unknown() {
            Ty::unknown()
        } else {
            arr.ty.element().ok_or_else(|| ExprError {
                message: "ANY/ALL of a non-array".into(),
            })?
        };
        let probe = vec![left.clone(), typed(Node::Const { value: None }, elem)];
        let (declared, result) = resolve_operator(opname, &probe)?;
        if result.name != "boolean" {
            return err("ANY/ALL with a non-boolean operator");
        }
        let left = coerce(left, &declared[0], Coercion::Implicit)?;
        let arr_target = declared[1].array_of_keep_kind();
        let arr = coerce(arr, &arr_target, Coercion::Implicit)?;
        Ok(typed(
            Node::ScalarArray {
                op: opname.to_owned(),
                any,
                args: vec![left, arr],
            },
            bool_ty(),
        ))
    }

    fn array_op(&mut self, l: &Expr, op: &BinaryOperator, r: &Expr, any: bool) -> R<Typed> {
        use BinaryOperator as B;
        let name = match op {
            B::Eq => "=",
            B::NotEq => "<>",
            B::Lt => "<",
            B::Gt => ">",
            B::LtEq => "<=",
            B::GtEq => ">=",
            B::PGLikeMatch => "~~",
            _ => return err(format!("unsupported ANY/ALL operator {op}")),
        };
        if let Expr::Subquery(_) = r {
            return err("a subquery");
        }
        let left = self.analyze(l)?;
        let right = self.analyze(r)?;
        self.scalar_array(name, any, left, right)
    }

    fn data_type(&mut self, dt: &DataType) -> R<Ty> {
        let written = dt.to_string();
        if let Some(c) = canonical_builtin(&written) {
            return Ok(Ty::builtin(&c));
        }
        let (custom, array) = match dt {
            DataType::Custom(name, mods) if mods.is_empty() => (name, false),
            DataType::Array(sqlparser::ast::ArrayElemTypeDef::SquareBracket(inner, None)) => {
                match inner.as_ref() {
                    DataType::Custom(name, mods) if mods.is_empty() => (name, true),
                    _ => return err(format!("unsupported type {written}")),
                }
            }
            _ => return err(format!("unsupported type {written}")),
        };
        let parts = object_parts(custom)?;
        let found = match parts.as_slice() {
            [n] => self.scope.user_type(None, n),
            [s, n] => self.scope.user_type(Some(s), n),
            _ => None,
        }
        .ok_or_else(|| ExprError {
            message: format!("unknown type {written}"),
        })?;
        let t = Ty::from_resolved(&found)?;
        if array {
            if t.base.is_some() {
                return err("an array of a domain");
            }
            return Ok(t.array_of_keep_kind());
        }
        Ok(t)
    }

    /// `transformTypeCast`.
    fn cast(&mut self, x: &Expr, dt: &DataType) -> R<Typed> {
        let target = self.data_type(dt)?;
        let mut inner = x;
        while let Expr::Nested(i) = inner {
            inner = i;
        }
        if let Expr::Array(arr) = inner
            && let Some(elem) = target.element()
            && target.base.is_none()
        {
            let elems = arr
                .elem
                .iter()
                .map(|x| self.analyze(x))
                .collect::<R<Vec<_>>>()?;
            let a = self.array(elems, Some(&elem))?;
            return coerce(a, &target, Coercion::Explicit);
        }
        if target.name == "regclass"
            && let Expr::Value(v) = inner
            && let Value::SingleQuotedString(s) = &v.value
        {
            // Kept as written for nextval, which resolves it through the scope.
            return Ok(typed(
                Node::Const {
                    value: Some(s.clone()),
                },
                Ty {
                    kind: TypeKind::Other,
                    ..Ty::builtin("regclass")
                },
            ));
        }
        let a = self.analyze(x)?;
        coerce(a, &target, Coercion::Explicit)
    }

    /// `transformArrayExpr`.
    fn array(&mut self, elems: Vec<Typed>, target_elem: Option<&Ty>) -> R<Typed> {
        if elems.is_empty() {
            return err("an empty ARRAY[]");
        }
        if elems.iter().any(|e| matches!(e.node, Node::Array { .. })) {
            return err("a multidimensional ARRAY[]");
        }
        let elem = match target_elem {
            Some(t) => t.clone(),
            None => common_type(&elems)?,
        };
        if elem.is_array() {
            return err("an ARRAY[] of arrays");
        }
        let elems = elems
            .into_iter()
            .map(|e| {
                coerce(
                    e,
                    &elem,
                    if target_elem.is_some() {
                        Coercion::Explicit
                    } else {
                        Coercion::Implicit
                    },
                )
            })
            .collect::<R<Vec<_>>>()?;
        let ty = Ty {
            sql: elem.name.clone(),
            ..elem.clone()
        }
        .array_of_keep_kind();
        Ok(typed(Node::Array { elems }, ty))
    }

    fn case(
        &mut self,
        operand: Option<&Expr>,
        conditions: &[sqlparser::ast::CaseWhen],
        else_result: Option<&Expr>,
    ) -> R<Typed> {
        let arg = operand.map(|o| self.analyze(o)).transpose()?;
        let mut whens = Vec::new();
        let mut results = Vec::new();
        for cw in conditions {
            let w = self.analyze(&cw.condition)?;
            let w = match &arg {
                Some(a) => {
                    // `CaseTestExpr = w`: PostgreSQL prints only the right-hand side.
                    let probe = vec![a.clone(), w];
                    let (declared, result) = resolve_operator("=", &probe)?;
                    if result.name != "boolean" {
                        return err("CASE with a non-boolean equality");
                    }
                    if !a.ty.same(&declared[0]) {
                        return err("a CASE operand that needs a cast");
                    }
                    let [_, w] = <[Typed; 2]>::try_from(probe).map_err(|_| ExprError {
                        message: "internal".into(),
                    })?;
                    coerce(w, &declared[1], Coercion::Implicit)?
                }
                None => coerce_bool(w)?,
            };
            whens.push(w);
            results.push(self.analyze(&cw.result)?);
        }
        let default = match else_result {
            Some(e) => Some(self.analyze(e)?),
            None => None,
        };
        // The default result comes first in `select_common_type` (transformCaseExpr).
        let mut all = Vec::new();
        if let Some(d) = &default {
            all.push(d.clone());
        }
        all.extend(results.iter().cloned());
        let ty = common_type(&all)?;
        let results = results
            .into_iter()
            .map(|r| coerce(r, &ty, Coercion::Implicit))
            .collect::<R<Vec<_>>>()?;
        let default = match default {
            Some(d) => coerce(d, &ty, Coercion::Implicit)?,
            None => coerce(
                typed(Node::Const { value: None }, Ty::unknown()),
                &ty,
                Coercion::Implicit,
            )?,
        };
        Ok(typed(
            Node::Case {
                arg: arg.map(Box::new),
                whens: whens.into_iter().zip(results).collect(),
                default: Box::new(default),
            },
            ty,
        ))
    }

    fn function_args(&mut self, f: &Function) -> R<Option<Vec<Typed>>> {
        if f.filter.is_some()
            || f.over.is_some()
            || !f.within_group.is_empty()
            || f.null_treatment.is_some()
            || !matches!(f.parameters, FunctionArguments::None)
            || f.uses_odbc_syntax
        {
            return err("an aggregate or window function call");
        }
        match &f.args {
            FunctionArguments::None => Ok(None),
            FunctionArguments::Subquery(_) => err("a subquery"),
            FunctionArguments::List(list) => {
                if list.duplicate_treatment.is_some() || !list.clauses.is_empty() {
                    return err("an aggregate call");
                }
                let mut out = Vec::new();
                for a in &list.args {
                    match a {
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => {
                            out.push(self.analyze(e)?)
                        }
                        _ => return err("a named or wildcard function argument"),
                    }
                }
                Ok(Some(out))
            }
        }
    }

    fn function(&mut self, f: &Function) -> R<Typed> {
        let parts = object_parts(&f.name)?;
        if self.hooks.is_some()
            && let Some(t) = self.aggregate(&parts, f)?
        {
            return Ok(t);
        }
        let args = self.function_args(f)?;
        let unquoted = f
            .name
            .0
            .iter()
            .all(|p| p.as_ident().is_some_and(|i| i.quote_style.is_none()));
        let (schema, name) = match parts.as_slice() {
            [n] => (None, n.as_str()),
            [s, n] => (Some(s.as_str()), n.as_str()),
            _ => return err("a function name with more than two parts"),
        };
        // SQL value functions (keywords, not calls).
        if schema.is_none()
            && unquoted
            && let Some(v) = self.sql_value(name, &args)?
        {
            return Ok(v);
        }
        let Some(args) = args else {
            return err(format!("unsupported keyword {name}"));
        };
        self.call(schema, name, args)
    }

    /// `CURRENT_TIMESTAMP` and the other SQL value functions; None for other names.
    fn sql_value(&mut self, name: &str, args: &Option<Vec<Typed>>) -> R<Option<Typed>> {
        {
            let sv = |text: &str, ty: &str| {
                Ok(Some(typed(
                    Node::SqlValue { text: text.into() },
                    Ty::builtin(ty),
                )))
            };
            let precision = |args: &Option<Vec<Typed>>| -> R<Option<String>> {
                match args.as_deref() {
                    None => Ok(None),
                    Some(
                        [
                            Typed {
                                node: Node::Const { value: Some(v) },
                                ty,
                            },
                        ],
                    ) if ty.name == "integer" => {
                        let p: i64 = v.parse().map_err(|_| ExprError {
                            message: "bad precision".into(),
                        })?;
                        if !(0..=6).contains(&p) {
                            return err("a time precision outside 0..6");
                        }
                        Ok(Some(v.clone()))
                    }
                    Some(_) => err("a time precision that is not an integer"),
                }
            };
            let timed = |kw: &str, ty: &str, p: Option<String>| -> R<Option<Typed>> {
                match p {
                    None => sv(kw, ty),
                    Some(p) => {
                        let full = ty.replacen(
                            if ty.starts_with("timestamp") {
                                "timestamp"
                            } else {
                                "time"
                            },
                            &format!(
                                "{}({p})",
                                if ty.starts_with("timestamp") {
                                    "timestamp"
                                } else {
                                    "time"
                                }
                            ),
                            1,
                        );
                        Ok(Some(typed(
                            Node::SqlValue {
                                text: format!("{kw}({p})"),
                            },
                            Ty {
                                sql: full,
                                ..Ty::builtin(ty)
                            },
                        )))
                    }
                }
            };
            match name {
                "current_date" if args.is_none() => return sv("CURRENT_DATE", "date"),
                "current_time" => {
                    return timed("CURRENT_TIME", "time with time zone", precision(args)?);
                }
                "current_timestamp" => {
                    return timed(
                        "CURRENT_TIMESTAMP",
                        "timestamp with time zone",
                        precision(args)?,
                    );
                }
                "localtime" => {
                    return timed("LOCALTIME", "time without time zone", precision(args)?);
                }
                "localtimestamp" => {
                    return timed(
                        "LOCALTIMESTAMP",
                        "timestamp without time zone",
                        precision(args)?,
                    );
                }
                "current_role" if args.is_none() => return sv("CURRENT_ROLE", "name"),
                "current_user" if args.is_none() => return sv("CURRENT_USER", "name"),
                "session_user" if args.is_none() => return sv("SESSION_USER", "name"),
                "user" if args.is_none() => return sv("USER", "name"),
                "current_catalog" if args.is_none() => return sv("CURRENT_CATALOG", "name"),
                "current_schema" if args.is_none() => return sv("CURRENT_SCHEMA", "name"),
                _ => {}
            }
        }
        Ok(None)
    }

    /// A function call `schema.name(args)`.
    fn call(&mut self, schema: Option<&str>, name: &str, args: Vec<Typed>) -> R<Typed> {
        let builtin_schema = matches!(schema, None | Some("pg_catalog"));
        if builtin_schema {
            match name {
                "coalesce" | "greatest" | "least" if schema.is_none() => {
                    if args.is_empty() {
                        return err("COALESCE without arguments");
                    }
                    let ty = common_type(&args)?;
                    let args = args
                        .into_iter()
                        .map(|a| coerce(a, &ty, Coercion::Implicit))
                        .collect::<R<Vec<_>>>()?;
                    let node = match name {
                        "coalesce" => Node::Coalesce { args },
                        g => Node::MinMax {
                            greatest: g == "greatest",
                            args,
                        },
                    };
                    if name != "coalesce" && !has_btree_order(&ty) {
                        return err("GREATEST/LEAST of a type without ordering known here");
                    }
                    return Ok(typed(node, ty));
                }
                "nullif" if schema.is_none() => {
                    if args.len() != 2 {
                        return err("NULLIF takes two arguments");
                    }
                    let (declared, result) = resolve_operator("=", &args)?;
                    if result.name != "boolean" {
                        return err("NULLIF with a non-boolean equality");
                    }
                    let ty = args[0].ty.clone();
                    let args = args
                        .into_iter()
                        .zip(&declared)
                        .map(|(a, d)| coerce(a, d, Coercion::Implicit))
                        .collect::<R<Vec<_>>>()?;
                    if !args[0].ty.same(&ty) {
                        return err("NULLIF whose first argument needs a cast");
                    }
                    return Ok(typed(Node::NullIf { args }, ty));
                }
                "nextval" => return self.nextval(args),
                _ => {}
            }
            if let Some(sigs) = tables().functions.get(name) {
                self.citext_off_path(&args)?;
                let sig = select_candidate(&format!("function {name}"), sigs, &tys(&args), false)?;
                let (declared, result) = bind_polymorphic(sig, &tys(&args))?;
                let args = args
                    .into_iter()
                    .zip(&declared)
                    .map(|(a, d)| coerce(a, d, Coercion::Implicit))
                    .collect::<R<Vec<_>>>()?;
                return Ok(typed(
                    Node::Func {
                        name: ident_out(name)?,
                        args,
                    },
                    result,
                ));
            }
            if schema == Some("pg_catalog") {
                return err(format!("unknown built-in function {name}"));
            }
        }
        let arg_types: Vec<ResolvedType> = args
            .iter()
            .map(|a| {
                if a.ty.is_unknown() {
                    err("a string literal argument to a user function")
                } else {
                    Ok(a.ty.to_resolved())
                }
            })
            .collect::<R<Vec<_>>>()?;
        let (fschema, result) = self
            .scope
            .function(schema, name, &arg_types)
            .ok_or_else(|| ExprError {
                message: format!(
                    "unknown function {name}({})",
                    arg_types
                        .iter()
                        .map(|t| t.sql.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })?;
        let printed = if fschema == "pg_catalog" {
            ident_out(name)?
        } else {
            format!("{}.{}", ident_out(&fschema)?, ident_out(name)?)
        };
        Ok(typed(
            Node::Func {
                name: printed,
                args,
            },
            Ty::from_resolved(&result)?,
        ))
    }

    fn nextval(&mut self, args: Vec<Typed>) -> R<Typed> {
        let [arg] = <[Typed; 1]>::try_from(args).map_err(|_| ExprError {
            message: "nextval takes one argument".into(),
        })?;
        let text = match (&arg.node, arg.ty.name.as_str()) {
            (Node::Const { value: Some(v) }, UNKNOWN | "regclass") => v.clone(),
            _ => return err("nextval of something other than a sequence name"),
        };
        let parts = split_qualified(&text)?;
        let (schema, name) = match parts.as_slice() {
            [n] => (None, n.as_str()),
            [s, n] => (Some(s.as_str()), n.as_str()),
            _ => return err("a sequence name with more than two parts"),
        };
        let found = self.scope.sequence(schema, name).ok_or_else(|| ExprError {
            message: format!("unknown sequence {text}"),
        })?;
        let printed = if found == "pg_catalog" {
            ident_out(name)?
        } else {
            format!("{}.{}", ident_out(&found)?, ident_out(name)?)
        };
        let c = typed(
            Node::Const {
                value: Some(printed),
            },
            Ty::builtin("regclass"),
        );
        Ok(typed(
            Node::Func {
                name: "nextval".into(),
                args: vec![c],
            },
            Ty::builtin("bigint"),
        ))
    }

    fn sql_function(&mut self, name: &str, args: Vec<Typed>) -> R<(Vec<Typed>, Ty)> {
        let sigs = tables().functions.get(name).ok_or_else(|| ExprError {
            message: format!("unknown function {name}"),
        })?;
        let sig = select_candidate(&format!("function {name}"), sigs, &tys(&args), false)?;
        let (declared, result) = bind_polymorphic(sig, &tys(&args))?;
        let args = args
            .into_iter()
            .zip(&declared)
            .map(|(a, d)| coerce(a, d, Coercion::Implicit))
            .collect::<R<Vec<_>>>()?;
        Ok((args, result))
    }

    fn trim(
        &mut self,
        trim_where: Option<&TrimWhereField>,
        what: Option<&Expr>,
        x: &Expr,
    ) -> R<Typed> {
        let (func, word) = match trim_where {
            None | Some(TrimWhereField::Both) => ("btrim", "BOTH"),
            Some(TrimWhereField::Leading) => ("ltrim", "LEADING"),
            Some(TrimWhereField::Trailing) => ("rtrim", "TRAILING"),
        };
        let mut args = vec![self.analyze(x)?];
        if let Some(w) = what {
            args.push(self.analyze(w)?);
        }
        let (args, result) = self.sql_function(func, args)?;
        let mut it = args.into_iter();
        let (Some(src), chars) = (it.next(), it.next()) else {
            return err("TRIM without an argument");
        };
        let mut pieces = vec![Piece::Text(format!("TRIM({word}"))];
        if let Some(c) = chars {
            pieces.push(Piece::Text(" ".into()));
            pieces.push(Piece::Arg(c));
        }
        pieces.push(Piece::Text(" FROM ".into()));
        pieces.push(Piece::Arg(src));
        pieces.push(Piece::Text(")".into()));
        Ok(typed(Node::SqlSyntax { pieces }, result))
    }

    fn extract(&mut self, field: &DateTimeField, x: &Expr) -> R<Typed> {
        let f = match field {
            DateTimeField::Year => "year",
            DateTimeField::Month => "month",
            DateTimeField::Day => "day",
            DateTimeField::Hour => "hour",
            DateTimeField::Minute => "minute",
            DateTimeField::Second => "second",
            DateTimeField::Epoch => "epoch",
            DateTimeField::Dow => "dow",
            DateTimeField::Doy => "doy",
            DateTimeField::Week(None) => "week",
            DateTimeField::Quarter => "quarter",
            DateTimeField::Century => "century",
            DateTimeField::Decade => "decade",
            DateTimeField::Millennium => "millennium",
            DateTimeField::Milliseconds => "milliseconds",
            DateTimeField::Microseconds => "microseconds",
            DateTimeField::Isodow => "isodow",
            DateTimeField::Isoyear => "isoyear",
            DateTimeField::Julian => "julian",
            DateTimeField::Timezone => "timezone",
            DateTimeField::TimezoneHour => "timezone_hour",
            DateTimeField::TimezoneMinute => "timezone_minute",
            _ => return err(format!("unsupported EXTRACT field {field}")),
        };
        let field_const = typed(
            Node::Const {
                value: Some(f.into()),
            },
            Ty::builtin("text"),
        );
        let a = self.analyze(x)?;
        let (args, result) = self.sql_function("extract", vec![field_const, a])?;
        let Some(src) = args.into_iter().nth(1) else {
            return err("EXTRACT without an argument");
        };
        Ok(typed(
            Node::SqlSyntax {
                pieces: vec![
                    Piece::Text(format!("EXTRACT({f} FROM ")),
                    Piece::Arg(src),
                    Piece::Text(")".into()),
                ],
            },
            result,
        ))
    }

    fn substring(&mut self, x: &Expr, from: &Expr, r#for: Option<&Expr>) -> R<Typed> {
        let mut args = vec![self.analyze(x)?, self.analyze(from)?];
        if let Some(f) = r#for {
            args.push(self.analyze(f)?);
        }
        let (args, result) = self.sql_function("substring", args)?;
        if result.name != "text" || args.get(1).is_some_and(|a| a.ty.name != "integer") {
            return err("SUBSTRING with a pattern");
        }
        let mut pieces = vec![Piece::Text("SUBSTRING(".into())];
        for (i, a) in args.into_iter().enumerate() {
            match i {
                0 => {}
                1 => pieces.push(Piece::Text(" FROM ".into())),
                _ => pieces.push(Piece::Text(" FOR ".into())),
            }
            pieces.push(Piece::Arg(a));
        }
        pieces.push(Piece::Text(")".into()));
        Ok(typed(Node::SqlSyntax { pieces }, result))
    }

    fn position(&mut self, needle: &Expr, haystack: &Expr) -> R<Typed> {
        let args = vec![self.analyze(haystack)?, self.analyze(needle)?];
        let (args, result) = self.sql_function("position", args)?;
        let mut it = args.into_iter();
        let (Some(h), Some(n)) = (it.next(), it.next()) else {
            return err("POSITION needs two arguments");
        };
        Ok(typed(
            Node::SqlSyntax {
                pieces: vec![
                    Piece::Text("POSITION((".into()),
                    Piece::Arg(n),
                    Piece::Text(") IN (".into()),
                    Piece::Arg(h),
                    Piece::Text("))".into()),
                ],
            },
            result,
        ))
    }
}

impl Ty {
    /// The array type of this type, keeping user kinds (an enum's array).
    fn array_of_keep_kind(&self) -> Ty {
        let b = self.base();
        Ty {
            name: format!("{}[]", b.name),
            sql: format!("{}[]", b.sql),
            kind: b.kind.clone(),
            base: None,
        }
    }
}

fn tys(args: &[Typed]) -> Vec<Ty> {
    args.iter().map(|a| a.ty.clone()).collect()
}

fn has_btree_order(t: &Ty) -> bool {
    let b = t.base();
    b.kind == TypeKind::Enum
        || tables()
            .operators
            .get("<")
            .is_some_and(|sigs| sigs.iter().any(|s| s.args.iter().all(|a| *a == b.name)))
}

/// Volatile functions make BETWEEN evaluate its operand once in PostgreSQL's printing (it
/// keeps no copy); refused.
fn contains_volatile(t: &Typed) -> bool {
    match &t.node {
        Node::Func { name, args } => {
            matches!(
                name.as_str(),
                "random" | "nextval" | "gen_random_uuid" | "clock_timestamp"
            ) || args.iter().any(contains_volatile)
        }
        Node::Op { args, .. } => args.iter().any(contains_volatile),
        Node::Cast { arg, .. } => contains_volatile(arg),
        _ => false,
    }
}

fn coerce_bool(t: Typed) -> R<Typed> {
    if t.ty.base().name == "boolean" && t.ty.base.is_none() {
        return Ok(t);
    }
    if t.ty.is_unknown() || t.ty.base().name == "boolean" {
        return coerce(t, &bool_ty(), Coercion::Implicit);
    }
    err(format!(
        "argument of type {} where a boolean is needed",
        t.ty.name
    ))
}

/// The declared argument types and the result type of operator `name` for `args`.
fn resolve_operator(name: &str, args: &[Typed]) -> R<(Vec<Ty>, Ty)> {
    let types = tys(args);
    // Enum comparisons: the anyenum operators; arrays: anyarray ones (both in the table).
    let sigs = tables().operators.get(name).ok_or_else(|| ExprError {
        message: format!("unknown operator {name}"),
    })?;
    for t in &types {
        match t.base().kind {
            TypeKind::Builtin | TypeKind::Enum => {}
            TypeKind::Other if is_citext(t.base()) => {}
            _ => return err(format!("operator {name} on type {}", t.name)),
        }
        if let Some(e) = t.element()
            && !matches!(e.kind, TypeKind::Builtin | TypeKind::Enum)
        {
            return err(format!("operator {name} on type {}", t.name));
        }
    }
    let sig = select_candidate(&format!("operator {name}"), sigs, &types, true)?;
    bind_polymorphic(sig, &types)
}

/// `split` of a qualified name as `regclassin` reads it (`stringToQualifiedNameList`).
fn split_qualified(text: &str) -> R<Vec<String>> {
    let bad = || ExprError {
        message: format!("invalid relation name {text:?}"),
    };
    let chars: Vec<char> = text.chars().collect();
    let mut parts = Vec::new();
    let mut i = 0;
    loop {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let mut part = String::new();
        if chars.get(i) == Some(&'"') {
            i += 1;
            loop {
                let c = *chars.get(i).ok_or_else(bad)?;
                i += 1;
                if c == '"' {
                    if chars.get(i) == Some(&'"') {
                        part.push('"');
                        i += 1;
                        continue;
                    }
                    break;
                }
                part.push(c);
            }
            if part.is_empty() {
                return Err(bad());
            }
        } else {
            while i < chars.len() && chars[i] != '.' && !chars[i].is_whitespace() {
                part.push(chars[i].to_ascii_lowercase());
                i += 1;
            }
            if part.is_empty() {
                return Err(bad());
            }
        }
        parts.push(part);
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        match chars.get(i) {
            None => break,
            Some('.') => i += 1,
            Some(_) => return Err(bad()),
        }
    }
    Ok(parts)
}

// ---------------------------------------------------------------------------------------------
// Printing, as ruleutils.c's get_rule_expr does.

const PRETTYINDENT_VAR: i32 = 4;

/// The node a child is printed under (`isSimpleNode`'s parentNode).
#[derive(Clone, Copy, Debug)]
enum Parent<'a> {
    Top,
    Op {
        name: &'a str,
        binary: bool,
        first: bool,
    },
    FuncCall,
    /// A cast function or a function in SQL syntax.
    CastFunc,
    /// RelabelType, CoerceViaIO, ArrayCoerceExpr, CoerceToDomain.
    OtherCast,
    Bool(BoolOp),
    /// ArrayExpr, CoalesceExpr, MinMaxExpr, NullIfExpr, CaseExpr: own separators.
    Separated,
    /// NullTest, BooleanTest, DistinctExpr, ScalarArrayOpExpr.
    Other,
}

struct Printer {
    buf: String,
    pretty: bool,
    indent: i32,
}

fn simple_binary_op(t: &Typed) -> Option<&str> {
    match &t.node {
        Node::Op { name, args } if args.len() == 2 => Some(name),
        _ => None,
    }
}

/// `isSimpleNode` (pretty mode only).
fn is_simple(t: &Typed, parent: Parent<'_>) -> bool {
    match &t.node {
        Node::Var { .. } | Node::Const { .. } | Node::DomainValue => true,
        Node::Array { .. }
        | Node::Coalesce { .. }
        | Node::MinMax { .. }
        | Node::SqlValue { .. }
        | Node::NullIf { .. }
        | Node::Func { .. }
        | Node::SqlSyntax { .. }
        | Node::Agg { .. }
        | Node::Case { .. } => true,
        Node::SubLink { .. } => false,
        Node::Cast { arg, form, .. } => match form {
            CastForm::Func => true,
            _ => is_simple(arg, Parent::OtherCast),
        },
        Node::Op { name, args } => {
            if let Parent::Op {
                name: parent_op,
                binary: true,
                first,
            } = parent
            {
                if args.len() != 2 {
                    return false;
                }
                let _ = simple_binary_op(t);
                // get_simple_binary_op_name: one-character operators only.
                let lo = |o: &str| o.len() == 1 && o.starts_with(['+', '-']);
                let hi = |o: &str| o.len() == 1 && o.starts_with(['*', '/', '%']);
                if !(lo(name) || hi(name)) || !(lo(parent_op) || hi(parent_op)) {
                    return false;
                }
                if hi(name) && lo(parent_op) {
                    return true;
                }
                if lo(name) && hi(parent_op) {
                    return false;
                }
                return first;
            }
            simple_under(parent)
        }
        Node::NullTest { .. }
        | Node::BoolTest { .. }
        | Node::Distinct { .. }
        | Node::ScalarArray { .. } => simple_under(parent),
        Node::Bool { op, .. } => match parent {
            Parent::Bool(p) => match op {
                BoolOp::Not | BoolOp::And => matches!(p, BoolOp::And | BoolOp::Or),
                BoolOp::Or => p == BoolOp::Or,
            },
            Parent::FuncCall | Parent::Separated => true,
            _ => false,
        },
    }
}

fn simple_under(parent: Parent<'_>) -> bool {
    matches!(
        parent,
        Parent::FuncCall | Parent::Bool(_) | Parent::Separated
    )
}

fn looks_like_function(n: &Node) -> bool {
    matches!(
        n,
        Node::Func { .. }
            | Node::NullIf { .. }
            | Node::Coalesce { .. }
            | Node::MinMax { .. }
            | Node::SqlValue { .. }
    )
}

impl Printer {
    fn open(&mut self) {
        if !self.pretty {
            self.buf.push('(');
        }
    }

    fn close(&mut self) {
        if !self.pretty {
            self.buf.push(')');
        }
    }

    /// `appendContextKeyword` (indentation is always on in the printing functions used).
    fn keyword(&mut self, s: &str, before: i32, after: i32, plus: i32) {
        self.indent += before;
        while self.buf.ends_with(' ') {
            self.buf.pop();
        }
        self.buf.push('\n');
        let n = indent_amount(self.indent) + plus;
        for _ in 0..n {
            self.buf.push(' ');
        }
        self.buf.push_str(s);
        self.indent += after;
        if self.indent < 0 {
            self.indent = 0;
        }
    }

    /// `get_rule_expr_paren`.
    fn paren(&mut self, t: &Typed, showimplicit: bool, parent: Parent<'_>) -> R<()> {
        let need = self.pretty && !is_simple(t, parent);
        if need {
            self.buf.push('(');
        }
        self.expr(t, showimplicit, parent)?;
        if need {
            self.buf.push(')');
        }
        Ok(())
    }

    fn list(&mut self, args: &[Typed], parent: Parent<'_>) -> R<()> {
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                self.buf.push_str(", ");
            }
            self.expr(a, true, parent)?;
        }
        Ok(())
    }

    /// `get_const_expr`; `showtype` -1 prints no label, 0 the label the type needs.
    fn constant(&mut self, value: Option<&str>, ty: &Ty, showtype: i32) -> R<()> {
        let Some(v) = value else {
            self.buf.push_str("NULL");
            if showtype >= 0 {
                self.buf.push_str("::");
                self.buf.push_str(&ty.label()?);
            }
            return Ok(());
        };
        let mut needlabel = false;
        match ty.name.as_str() {
            "integer" => {
                if v.starts_with('-') {
                    self.buf.push_str(&quote_literal(v));
                    needlabel = true;
                } else {
                    self.buf.push_str(v);
                }
            }
            "numeric" => {
                if v.as_bytes().first().is_some_and(u8::is_ascii_digit)
                    && v.contains(['e', 'E', '.'])
                {
                    self.buf.push_str(v);
                } else {
                    self.buf.push_str(&quote_literal(v));
                    needlabel = true;
                }
            }
            "boolean" => self.buf.push_str(if v == "t" { "true" } else { "false" }),
            "bit" | "bit varying" => return err("a bit string constant"),
            "regclass" if ty.kind == TypeKind::Other => {
                return err("a regclass constant outside nextval");
            }
            _ => self.buf.push_str(&quote_literal(v)),
        }
        if showtype < 0 {
            return Ok(());
        }
        let label = match ty.name.as_str() {
            "boolean" | UNKNOWN => false,
            "integer" => needlabel,
            "numeric" => needlabel || ty.has_typmod(),
            _ => true,
        };
        if label || showtype > 0 {
            self.buf.push_str("::");
            self.buf.push_str(&ty.label()?);
        }
        Ok(())
    }

    /// `get_rule_sortgroupclause`: a constant with its label, a function call in parentheses.
    fn sortgroup(&mut self, t: &Typed) -> R<()> {
        match &t.node {
            Node::Const { value } => self.constant(value.as_deref(), &t.ty, 1),
            Node::Func { .. }
            | Node::SqlSyntax { .. }
            | Node::Agg { .. }
            | Node::Cast {
                form: CastForm::Func,
                ..
            } => {
                self.buf.push('(');
                self.expr(t, true, Parent::Top)?;
                self.buf.push(')');
                Ok(())
            }
            _ => self.expr(t, true, Parent::Top),
        }
    }

    /// `get_rule_orderby`.
    fn sort_keys(&mut self, keys: &[SortKey]) -> R<()> {
        for (i, k) in keys.iter().enumerate() {
            if i > 0 {
                self.buf.push_str(", ");
            }
            self.sortgroup(&k.expr)?;
            self.buf.push_str(sort_suffix(k.desc, k.nulls_first));
        }
        Ok(())
    }

    fn expr(&mut self, t: &Typed, showimplicit: bool, parent: Parent<'_>) -> R<()> {
        let _ = parent;
        match &t.node {
            Node::Const { value } => self.constant(value.as_deref(), &t.ty, 0)?,
            Node::Var { prefix, name } => {
                if let Some(p) = prefix {
                    self.buf.push_str(p);
                    self.buf.push('.');
                }
                self.buf.push_str(&ident_out(name)?);
            }
            Node::DomainValue => self.buf.push_str("VALUE"),
            Node::SqlValue { text } => self.buf.push_str(text),
            Node::Op { name, args } => {
                self.open();
                match args.as_slice() {
                    [a, b] => {
                        let me = |first| Parent::Op {
                            name,
                            binary: true,
                            first,
                        };
                        self.paren(a, true, me(true))?;
                        self.buf.push(' ');
                        self.buf.push_str(name);
                        self.buf.push(' ');
                        self.paren(b, true, me(false))?;
                    }
                    [a] => {
                        self.buf.push_str(name);
                        self.buf.push(' ');
                        self.paren(
                            a,
                            true,
                            Parent::Op {
                                name,
                                binary: false,
                                first: true,
                            },
                        )?;
                    }
                    _ => return err("operator arity"),
                }
                self.close();
            }
            Node::Func { name, args } => {
                self.buf.push_str(name);
                self.buf.push('(');
                self.list(args, Parent::FuncCall)?;
                self.buf.push(')');
            }
            Node::SqlSyntax { pieces } => {
                for p in pieces {
                    match p {
                        Piece::Text(s) => self.buf.push_str(s),
                        Piece::Arg(a) => self.expr(a, false, Parent::CastFunc)?,
                    }
                }
            }
            Node::Cast {
                arg,
                implicit,
                form,
                typmod,
            } => {
                let me = match form {
                    CastForm::Func => Parent::CastFunc,
                    _ => Parent::OtherCast,
                };
                if *implicit && !showimplicit {
                    return self.paren(arg, false, me);
                }
                // `get_coercion_expr`: a constant of the target type is shown without its
                // label (a length coercion of a literal).
                if let Node::Const { value } = &arg.node
                    && arg.ty.name == t.ty.name
                    && !arg.ty.has_typmod()
                    && *typmod
                {
                    self.constant(value.as_deref(), &arg.ty, -1)?;
                } else {
                    self.open();
                    self.paren(arg, false, me)?;
                    self.close();
                }
                self.buf.push_str("::");
                if *form == CastForm::Domain {
                    self.buf.push_str(&t.ty.sql);
                } else {
                    self.buf
                        .push_str(&t.ty.label_typmod()?.replace_first_bpchar());
                }
            }
            Node::Bool { op, args } => {
                self.open();
                match op {
                    BoolOp::Not => {
                        self.buf.push_str("NOT ");
                        let a = args.first().ok_or_else(|| ExprError {
                            message: "NOT without argument".into(),
                        })?;
                        self.paren(a, false, Parent::Bool(*op))?;
                    }
                    BoolOp::And | BoolOp::Or => {
                        let sep = if *op == BoolOp::And { " AND " } else { " OR " };
                        for (i, a) in args.iter().enumerate() {
                            if i > 0 {
                                self.buf.push_str(sep);
                            }
                            self.paren(a, false, Parent::Bool(*op))?;
                        }
                    }
                }
                self.close();
            }
            Node::NullTest { arg, not } => {
                self.open();
                self.paren(arg, true, Parent::Other)?;
                self.buf
                    .push_str(if *not { " IS NOT NULL" } else { " IS NULL" });
                self.close();
            }
            Node::BoolTest { arg, test } => {
                self.open();
                self.paren(arg, false, Parent::Other)?;
                self.buf.push(' ');
                self.buf.push_str(test);
                self.close();
            }
            Node::Distinct { args } => {
                let [a, b] = args.as_slice() else {
                    return err("IS DISTINCT FROM arity");
                };
                self.open();
                self.paren(a, true, Parent::Other)?;
                self.buf.push_str(" IS DISTINCT FROM ");
                self.paren(b, true, Parent::Other)?;
                self.close();
            }
            Node::NullIf { args } => {
                self.buf.push_str("NULLIF(");
                self.list(args, Parent::Separated)?;
                self.buf.push(')');
            }
            Node::ScalarArray { op, any, args } => {
                let [a, b] = args.as_slice() else {
                    return err("ANY/ALL arity");
                };
                self.open();
                self.paren(a, true, Parent::Other)?;
                self.buf.push(' ');
                self.buf.push_str(op);
                self.buf.push_str(if *any { " ANY (" } else { " ALL (" });
                self.paren(b, true, Parent::Other)?;
                self.buf.push(')');
                self.close();
            }
            Node::Array { elems } => {
                self.buf.push_str("ARRAY[");
                self.list(elems, Parent::Separated)?;
                self.buf.push(']');
            }
            Node::Coalesce { args } => {
                self.buf.push_str("COALESCE(");
                self.list(args, Parent::Separated)?;
                self.buf.push(')');
            }
            Node::MinMax { greatest, args } => {
                self.buf
                    .push_str(if *greatest { "GREATEST(" } else { "LEAST(" });
                self.list(args, Parent::Separated)?;
                self.buf.push(')');
            }
            Node::SubLink { kind, test, query } => {
                self.buf.push('(');
                if let Some(t) = test {
                    self.expr(t, true, Parent::Other)?;
                }
                let need_paren = match kind {
                    SubLinkKind::Expr => false,
                    SubLinkKind::Exists => {
                        self.buf.push_str("EXISTS ");
                        true
                    }
                    SubLinkKind::Any(op) => {
                        if op == "=" {
                            self.buf.push_str(" IN ");
                        } else {
                            self.buf.push_str(&format!(" {op} ANY "));
                        }
                        true
                    }
                };
                if need_paren {
                    self.buf.push('(');
                }
                let text = query.text(self.indent)?;
                self.buf.push_str(&text);
                self.buf.push_str(if need_paren { "))" } else { ")" });
            }
            Node::Agg {
                name,
                star,
                distinct,
                args,
                order,
                filter,
                over,
            } => {
                self.buf.push_str(name);
                self.buf.push('(');
                if *distinct {
                    self.buf.push_str("DISTINCT ");
                }
                if *star {
                    self.buf.push('*');
                } else {
                    self.list(args, Parent::FuncCall)?;
                }
                if !order.is_empty() {
                    self.buf.push_str(" ORDER BY ");
                    self.sort_keys(order)?;
                }
                if let Some(f) = filter {
                    self.buf.push_str(") FILTER (WHERE ");
                    self.expr(f, false, Parent::Top)?;
                }
                self.buf.push(')');
                if let Some(w) = over {
                    self.buf.push_str(" OVER (");
                    let mut space = false;
                    if !w.partition.is_empty() {
                        self.buf.push_str("PARTITION BY ");
                        for (i, p) in w.partition.iter().enumerate() {
                            if i > 0 {
                                self.buf.push_str(", ");
                            }
                            self.sortgroup(p)?;
                        }
                        space = true;
                    }
                    if !w.order.is_empty() {
                        if space {
                            self.buf.push(' ');
                        }
                        self.buf.push_str("ORDER BY ");
                        self.sort_keys(&w.order)?;
                    }
                    self.buf.push(')');
                }
            }
            Node::Case {
                arg,
                whens,
                default,
            } => {
                self.keyword("CASE", 0, PRETTYINDENT_VAR, 0);
                if let Some(a) = arg {
                    self.buf.push(' ');
                    self.expr(a, true, Parent::Separated)?;
                }
                for (w, r) in whens {
                    self.keyword("WHEN ", 0, 0, 0);
                    self.expr(w, false, Parent::Separated)?;
                    self.buf.push_str(" THEN ");
                    self.expr(r, true, Parent::Separated)?;
                }
                self.keyword("ELSE ", 0, 0, 0);
                self.expr(default, true, Parent::Separated)?;
                self.keyword("END", -PRETTYINDENT_VAR, 0, 0);
            }
        }
        Ok(())
    }
}

trait BpcharLabel {
    fn replace_first_bpchar(self) -> String;
}

impl BpcharLabel for String {
    /// A cast to bpchar without modifier prints `bpchar` (`character` would mean
    /// `character(1)`).
    fn replace_first_bpchar(self) -> String {
        if self == "character" {
            "bpchar".to_owned()
        } else if self == "character[]" {
            "bpchar[]".to_owned()
        } else {
            self
        }
    }
}

// Built-in operators of PostgreSQL 15 (`pg_operator`, OIDs below 16384) for the operator names
// the canonicalizer resolves: name, left type (empty for a prefix operator), right type, result.
const OPERATORS: &str = "\
!~	character	text	boolean\n\
!~	name	text	boolean\n\
!~	text	text	boolean\n\
!~*	character	text	boolean\n\
!~*	name	text	boolean\n\
!~*	text	text	boolean\n\
!~~	bytea	bytea	boolean\n\
!~~	character	text	boolean\n\
!~~	name	text	boolean\n\
!~~	text	text	boolean\n\
!~~*	character	text	boolean\n\
!~~*	name	text	boolean\n\
!~~*	text	text	boolean\n\
#-	jsonb	text[]	jsonb\n\
#>	json	text[]	json\n\
#>	jsonb	text[]	jsonb\n\
#>>	json	text[]	text\n\
#>>	jsonb	text[]	text\n\
%	bigint	bigint	bigint\n\
%	integer	integer	integer\n\
%	numeric	numeric	numeric\n\
%	smallint	smallint	smallint\n\
&&	anyarray	anyarray	boolean\n\
&&	anymultirange	anymultirange	boolean\n\
&&	anymultirange	anyrange	boolean\n\
&&	anyrange	anymultirange	boolean\n\
&&	anyrange	anyrange	boolean\n\
&&	box	box	boolean\n\
&&	circle	circle	boolean\n\
&&	inet	inet	boolean\n\
&&	polygon	polygon	boolean\n\
&&	tsquery	tsquery	tsquery\n\
*	anymultirange	anymultirange	anymultirange\n\
*	anyrange	anyrange	anyrange\n\
*	bigint	bigint	bigint\n\
*	bigint	integer	bigint\n\
*	bigint	money	money\n\
*	bigint	smallint	bigint\n\
*	box	point	box\n\
*	circle	point	circle\n\
*	double precision	double precision	double precision\n\
*	double precision	interval	interval\n\
*	double precision	money	money\n\
*	double precision	real	double precision\n\
*	integer	bigint	bigint\n\
*	integer	integer	integer\n\
*	integer	money	money\n\
*	integer	smallint	integer\n\
*	interval	double precision	interval\n\
*	money	bigint	money\n\
*	money	double precision	money\n\
*	money	integer	money\n\
*	money	real	money\n\
*	money	smallint	money\n\
*	numeric	numeric	numeric\n\
*	path	point	path\n\
*	point	point	point\n\
*	real	double precision	double precision\n\
*	real	money	money\n\
*	real	real	real\n\
*	smallint	bigint	bigint\n\
*	smallint	integer	integer\n\
*	smallint	money	money\n\
*	smallint	smallint	smallint\n\
+		bigint	bigint\n\
+		double precision	double precision\n\
+		integer	integer\n\
+		numeric	numeric\n\
+		real	real\n\
+		smallint	smallint\n\
+	aclitem[]	aclitem	aclitem[]\n\
+	anymultirange	anymultirange	anymultirange\n\
+	anyrange	anyrange	anyrange\n\
+	bigint	bigint	bigint\n\
+	bigint	inet	inet\n\
+	bigint	integer	bigint\n\
+	bigint	smallint	bigint\n\
+	box	point	box\n\
+	circle	point	circle\n\
+	date	integer	date\n\
+	date	interval	timestamp without time zone\n\
+	date	time with time zone	timestamp with time zone\n\
+	date	time without time zone	timestamp without time zone\n\
+	double precision	double precision	double precision\n\
+	double precision	real	double precision\n\
+	inet	bigint	inet\n\
+	integer	bigint	bigint\n\
+	integer	date	date\n\
+	integer	integer	integer\n\
+	integer	smallint	integer\n\
+	interval	date	timestamp without time zone\n\
+	interval	interval	interval\n\
+	interval	time with time zone	time with time zone\n\
+	interval	time without time zone	time without time zone\n\
+	interval	timestamp with time zone	timestamp with time zone\n\
+	interval	timestamp without time zone	timestamp without time zone\n\
+	money	money	money\n\
+	numeric	numeric	numeric\n\
+	numeric	pg_lsn	pg_lsn\n\
+	path	path	path\n\
+	path	point	path\n\
+	pg_lsn	numeric	pg_lsn\n\
+	point	point	point\n\
+	real	double precision	double precision\n\
+	real	real	real\n\
+	smallint	bigint	bigint\n\
+	smallint	integer	integer\n\
+	smallint	smallint	smallint\n\
+	time with time zone	date	timestamp with time zone\n\
+	time with time zone	interval	time with time zone\n\
+	time without time zone	date	timestamp without time zone\n\
+	time without time zone	interval	time without time zone\n\
+	timestamp with time zone	interval	timestamp with time zone\n\
+	timestamp without time zone	interval	timestamp without time zone\n\
-		bigint	bigint\n\
-		double precision	double precision\n\
-		integer	integer\n\
-		interval	interval\n\
-		numeric	numeric\n\
-		real	real\n\
-		smallint	smallint\n\
-	aclitem[]	aclitem	aclitem[]\n\
-	anymultirange	anymultirange	anymultirange\n\
-	anyrange	anyrange	anyrange\n\
-	bigint	bigint	bigint\n\
-	bigint	integer	bigint\n\
-	bigint	smallint	bigint\n\
-	box	point	box\n\
-	circle	point	circle\n\
-	date	date	integer\n\
-	date	integer	date\n\
-	date	interval	timestamp without time zone\n\
-	double precision	double precision	double precision\n\
-	double precision	real	double precision\n\
-	inet	bigint	inet\n\
-	inet	inet	bigint\n\
-	integer	bigint	bigint\n\
-	integer	integer	integer\n\
-	integer	smallint	integer\n\
-	interval	interval	interval\n\
-	jsonb	integer	jsonb\n\
-	jsonb	text	jsonb\n\
-	jsonb	text[]	jsonb\n\
-	money	money	money\n\
-	numeric	numeric	numeric\n\
-	path	point	path\n\
-	pg_lsn	numeric	pg_lsn\n\
-	pg_lsn	pg_lsn	numeric\n\
-	point	point	point\n\
-	real	double precision	double precision\n\
-	real	real	real\n\
-	smallint	bigint	bigint\n\
-	smallint	integer	integer\n\
-	smallint	smallint	smallint\n\
-	time with time zone	interval	time with time zone\n\
-	time without time zone	interval	time without time zone\n\
-	time without time zone	time without time zone	interval\n\
-	timestamp with time zone	interval	timestamp with time zone\n\
-	timestamp with time zone	timestamp with time zone	interval\n\
-	timestamp without time zone	interval	timestamp without time zone\n\
-	timestamp without time zone	timestamp without time zone	interval\n\
->	json	integer	json\n\
->	json	text	json\n\
->	jsonb	integer	jsonb\n\
->	jsonb	text	jsonb\n\
->>	json	integer	text\n\
->>	json	text	text\n\
->>	jsonb	integer	text\n\
->>	jsonb	text	text\n\
/	bigint	bigint	bigint\n\
/	bigint	integer	bigint\n\
/	bigint	smallint	bigint\n\
/	box	point	box\n\
/	circle	point	circle\n\
/	double precision	double precision	double precision\n\
/	double precision	real	double precision\n\
/	integer	bigint	bigint\n\
/	integer	integer	integer\n\
/	integer	smallint	integer\n\
/	interval	double precision	interval\n\
/	money	bigint	money\n\
/	money	double precision	money\n\
/	money	integer	money\n\
/	money	money	double precision\n\
/	money	real	money\n\
/	money	smallint	money\n\
/	numeric	numeric	numeric\n\
/	path	point	path\n\
/	point	point	point\n\
/	real	double precision	double precision\n\
/	real	real	real\n\
/	smallint	bigint	bigint\n\
/	smallint	integer	integer\n\
/	smallint	smallint	smallint\n\
<	\"char\"	\"char\"	boolean\n\
<	anyarray	anyarray	boolean\n\
<	anyenum	anyenum	boolean\n\
<	anymultirange	anymultirange	boolean\n\
<	anyrange	anyrange	boolean\n\
<	bigint	bigint	boolean\n\
<	bigint	integer	boolean\n\
<	bigint	smallint	boolean\n\
<	bit	bit	boolean\n\
<	bit varying	bit varying	boolean\n\
<	boolean	boolean	boolean\n\
<	box	box	boolean\n\
<	bytea	bytea	boolean\n\
<	character	character	boolean\n\
<	circle	circle	boolean\n\
<	date	date	boolean\n\
<	date	timestamp with time zone	boolean\n\
<	date	timestamp without time zone	boolean\n\
<	double precision	double precision	boolean\n\
<	double precision	real	boolean\n\
<	inet	inet	boolean\n\
<	integer	bigint	boolean\n\
<	integer	integer	boolean\n\
<	integer	smallint	boolean\n\
<	interval	interval	boolean\n\
<	jsonb	jsonb	boolean\n\
<	lseg	lseg	boolean\n\
<	macaddr	macaddr	boolean\n\
<	macaddr8	macaddr8	boolean\n\
<	money	money	boolean\n\
<	name	name	boolean\n\
<	name	text	boolean\n\
<	numeric	numeric	boolean\n\
<	oid	oid	boolean\n\
<	oidvector	oidvector	boolean\n\
<	path	path	boolean\n\
<	pg_lsn	pg_lsn	boolean\n\
<	real	double precision	boolean\n\
<	real	real	boolean\n\
<	record	record	boolean\n\
<	smallint	bigint	boolean\n\
<	smallint	integer	boolean\n\
<	smallint	smallint	boolean\n\
<	text	name	boolean\n\
<	text	text	boolean\n\
<	tid	tid	boolean\n\
<	time with time zone	time with time zone	boolean\n\
<	time without time zone	time without time zone	boolean\n\
<	timestamp with time zone	date	boolean\n\
<	timestamp with time zone	timestamp with time zone	boolean\n\
<	timestamp with time zone	timestamp without time zone	boolean\n\
<	timestamp without time zone	date	boolean\n\
<	timestamp without time zone	timestamp with time zone	boolean\n\
<	timestamp without time zone	timestamp without time zone	boolean\n\
<	tsquery	tsquery	boolean\n\
<	tsvector	tsvector	boolean\n\
<	uuid	uuid	boolean\n\
<	xid8	xid8	boolean\n\
<=	\"char\"	\"char\"	boolean\n\
<=	anyarray	anyarray	boolean\n\
<=	anyenum	anyenum	boolean\n\
<=	anymultirange	anymultirange	boolean\n\
<=	anyrange	anyrange	boolean\n\
<=	bigint	bigint	boolean\n\
<=	bigint	integer	boolean\n\
<=	bigint	smallint	boolean\n\
<=	bit	bit	boolean\n\
<=	bit varying	bit varying	boolean\n\
<=	boolean	boolean	boolean\n\
<=	box	box	boolean\n\
<=	bytea	bytea	boolean\n\
<=	character	character	boolean\n\
<=	circle	circle	boolean\n\
<=	date	date	boolean\n\
<=	date	timestamp with time zone	boolean\n\
<=	date	timestamp without time zone	boolean\n\
<=	double precision	double precision	boolean\n\
<=	double precision	real	boolean\n\
<=	inet	inet	boolean\n\
<=	integer	bigint	boolean\n\
<=	integer	integer	boolean\n\
<=	integer	smallint	boolean\n\
<=	interval	interval	boolean\n\
<=	jsonb	jsonb	boolean\n\
<=	lseg	lseg	boolean\n\
<=	macaddr	macaddr	boolean\n\
<=	macaddr8	macaddr8	boolean\n\
<=	money	money	boolean\n\
<=	name	name	boolean\n\
<=	name	text	boolean\n\
<=	numeric	numeric	boolean\n\
<=	oid	oid	boolean\n\
<=	oidvector	oidvector	boolean\n\
<=	path	path	boolean\n\
<=	pg_lsn	pg_lsn	boolean\n\
<=	real	double precision	boolean\n\
<=	real	real	boolean\n\
<=	record	record	boolean\n\
<=	smallint	bigint	boolean\n\
<=	smallint	integer	boolean\n\
<=	smallint	smallint	boolean\n\
<=	text	name	boolean\n\
<=	text	text	boolean\n\
<=	tid	tid	boolean\n\
<=	time with time zone	time with time zone	boolean\n\
<=	time without time zone	time without time zone	boolean\n\
<=	timestamp with time zone	date	boolean\n\
<=	timestamp with time zone	timestamp with time zone	boolean\n\
<=	timestamp with time zone	timestamp without time zone	boolean\n\
<=	timestamp without time zone	date	boolean\n\
<=	timestamp without time zone	timestamp with time zone	boolean\n\
<=	timestamp without time zone	timestamp without time zone	boolean\n\
<=	tsquery	tsquery	boolean\n\
<=	tsvector	tsvector	boolean\n\
<=	uuid	uuid	boolean\n\
<=	xid8	xid8	boolean\n\
<>	\"char\"	\"char\"	boolean\n\
<>	anyarray	anyarray	boolean\n\
<>	anyenum	anyenum	boolean\n\
<>	anymultirange	anymultirange	boolean\n\
<>	anyrange	anyrange	boolean\n\
<>	bigint	bigint	boolean\n\
<>	bigint	integer	boolean\n\
<>	bigint	smallint	boolean\n\
<>	bit	bit	boolean\n\
<>	bit varying	bit varying	boolean\n\
<>	boolean	boolean	boolean\n\
<>	bytea	bytea	boolean\n\
<>	character	character	boolean\n\
<>	circle	circle	boolean\n\
<>	date	date	boolean\n\
<>	date	timestamp with time zone	boolean\n\
<>	date	timestamp without time zone	boolean\n\
<>	double precision	double precision	boolean\n\
<>	double precision	real	boolean\n\
<>	inet	inet	boolean\n\
<>	integer	bigint	boolean\n\
<>	integer	integer	boolean\n\
<>	integer	smallint	boolean\n\
<>	interval	interval	boolean\n\
<>	jsonb	jsonb	boolean\n\
<>	lseg	lseg	boolean\n\
<>	macaddr	macaddr	boolean\n\
<>	macaddr8	macaddr8	boolean\n\
<>	money	money	boolean\n\
<>	name	name	boolean\n\
<>	name	text	boolean\n\
<>	numeric	numeric	boolean\n\
<>	oid	oid	boolean\n\
<>	oidvector	oidvector	boolean\n\
<>	pg_lsn	pg_lsn	boolean\n\
<>	point	point	boolean\n\
<>	real	double precision	boolean\n\
<>	real	real	boolean\n\
<>	record	record	boolean\n\
<>	smallint	bigint	boolean\n\
<>	smallint	integer	boolean\n\
<>	smallint	smallint	boolean\n\
<>	text	name	boolean\n\
<>	text	text	boolean\n\
<>	tid	tid	boolean\n\
<>	time with time zone	time with time zone	boolean\n\
<>	time without time zone	time without time zone	boolean\n\
<>	timestamp with time zone	date	boolean\n\
<>	timestamp with time zone	timestamp with time zone	boolean\n\
<>	timestamp with time zone	timestamp without time zone	boolean\n\
<>	timestamp without time zone	date	boolean\n\
<>	timestamp without time zone	timestamp with time zone	boolean\n\
<>	timestamp without time zone	timestamp without time zone	boolean\n\
<>	tsquery	tsquery	boolean\n\
<>	tsvector	tsvector	boolean\n\
<>	uuid	uuid	boolean\n\
<>	xid	integer	boolean\n\
<>	xid	xid	boolean\n\
<>	xid8	xid8	boolean\n\
<@	anyarray	anyarray	boolean\n\
<@	anyelement	anymultirange	boolean\n\
<@	anyelement	anyrange	boolean\n\
<@	anymultirange	anymultirange	boolean\n\
<@	anymultirange	anyrange	boolean\n\
<@	anyrange	anymultirange	boolean\n\
<@	anyrange	anyrange	boolean\n\
<@	box	box	boolean\n\
<@	circle	circle	boolean\n\
<@	jsonb	jsonb	boolean\n\
<@	lseg	box	boolean\n\
<@	lseg	line	boolean\n\
<@	point	box	boolean\n\
<@	point	circle	boolean\n\
<@	point	line	boolean\n\
<@	point	lseg	boolean\n\
<@	point	path	boolean\n\
<@	point	polygon	boolean\n\
<@	polygon	polygon	boolean\n\
<@	tsquery	tsquery	boolean\n\
=	\"char\"	\"char\"	boolean\n\
=	aclitem	aclitem	boolean\n\
=	anyarray	anyarray	boolean\n\
=	anyenum	anyenum	boolean\n\
=	anymultirange	anymultirange	boolean\n\
=	anyrange	anyrange	boolean\n\
=	bigint	bigint	boolean\n\
=	bigint	integer	boolean\n\
=	bigint	smallint	boolean\n\
=	bit	bit	boolean\n\
=	bit varying	bit varying	boolean\n\
=	boolean	boolean	boolean\n\
=	box	box	boolean\n\
=	bytea	bytea	boolean\n\
=	character	character	boolean\n\
=	cid	cid	boolean\n\
=	circle	circle	boolean\n\
=	date	date	boolean\n\
=	date	timestamp with time zone	boolean\n\
=	date	timestamp without time zone	boolean\n\
=	double precision	double precision	boolean\n\
=	double precision	real	boolean\n\
=	inet	inet	boolean\n\
=	integer	bigint	boolean\n\
=	integer	integer	boolean\n\
=	integer	smallint	boolean\n\
=	interval	interval	boolean\n\
=	jsonb	jsonb	boolean\n\
=	line	line	boolean\n\
=	lseg	lseg	boolean\n\
=	macaddr	macaddr	boolean\n\
=	macaddr8	macaddr8	boolean\n\
=	money	money	boolean\n\
=	name	name	boolean\n\
=	name	text	boolean\n\
=	numeric	numeric	boolean\n\
=	oid	oid	boolean\n\
=	oidvector	oidvector	boolean\n\
=	path	path	boolean\n\
=	pg_lsn	pg_lsn	boolean\n\
=	real	double precision	boolean\n\
=	real	real	boolean\n\
=	record	record	boolean\n\
=	smallint	bigint	boolean\n\
=	smallint	integer	boolean\n\
=	smallint	smallint	boolean\n\
=	text	name	boolean\n\
=	text	text	boolean\n\
=	tid	tid	boolean\n\
=	time with time zone	time with time zone	boolean\n\
=	time without time zone	time without time zone	boolean\n\
=	timestamp with time zone	date	boolean\n\
=	timestamp with time zone	timestamp with time zone	boolean\n\
=	timestamp with time zone	timestamp without time zone	boolean\n\
=	timestamp without time zone	date	boolean\n\
=	timestamp without time zone	timestamp with time zone	boolean\n\
=	timestamp without time zone	timestamp without time zone	boolean\n\
=	tsquery	tsquery	boolean\n\
=	tsvector	tsvector	boolean\n\
=	uuid	uuid	boolean\n\
=	xid	integer	boolean\n\
=	xid	xid	boolean\n\
=	xid8	xid8	boolean\n\
>	\"char\"	\"char\"	boolean\n\
>	anyarray	anyarray	boolean\n\
>	anyenum	anyenum	boolean\n\
>	anymultirange	anymultirange	boolean\n\
>	anyrange	anyrange	boolean\n\
>	bigint	bigint	boolean\n\
>	bigint	integer	boolean\n\
>	bigint	smallint	boolean\n\
>	bit	bit	boolean\n\
>	bit varying	bit varying	boolean\n\
>	boolean	boolean	boolean\n\
>	box	box	boolean\n\
>	bytea	bytea	boolean\n\
>	character	character	boolean\n\
>	circle	circle	boolean\n\
>	date	date	boolean\n\
>	date	timestamp with time zone	boolean\n\
>	date	timestamp without time zone	boolean\n\
>	double precision	double precision	boolean\n\
>	double precision	real	boolean\n\
>	inet	inet	boolean\n\
>	integer	bigint	boolean\n\
>	integer	integer	boolean\n\
>	integer	smallint	boolean\n\
>	interval	interval	boolean\n\
>	jsonb	jsonb	boolean\n\
>	lseg	lseg	boolean\n\
>	macaddr	macaddr	boolean\n\
>	macaddr8	macaddr8	boolean\n\
>	money	money	boolean\n\
>	name	name	boolean\n\
>	name	text	boolean\n\
>	numeric	numeric	boolean\n\
>	oid	oid	boolean\n\
>	oidvector	oidvector	boolean\n\
>	path	path	boolean\n\
>	pg_lsn	pg_lsn	boolean\n\
>	real	double precision	boolean\n\
>	real	real	boolean\n\
>	record	record	boolean\n\
>	smallint	bigint	boolean\n\
>	smallint	integer	boolean\n\
>	smallint	smallint	boolean\n\
>	text	name	boolean\n\
>	text	text	boolean\n\
>	tid	tid	boolean\n\
>	time with time zone	time with time zone	boolean\n\
>	time without time zone	time without time zone	boolean\n\
>	timestamp with time zone	date	boolean\n\
>	timestamp with time zone	timestamp with time zone	boolean\n\
>	timestamp with time zone	timestamp without time zone	boolean\n\
>	timestamp without time zone	date	boolean\n\
>	timestamp without time zone	timestamp with time zone	boolean\n\
>	timestamp without time zone	timestamp without time zone	boolean\n\
>	tsquery	tsquery	boolean\n\
>	tsvector	tsvector	boolean\n\
>	uuid	uuid	boolean\n\
>	xid8	xid8	boolean\n\
>=	\"char\"	\"char\"	boolean\n\
>=	anyarray	anyarray	boolean\n\
>=	anyenum	anyenum	boolean\n\
>=	anymultirange	anymultirange	boolean\n\
>=	anyrange	anyrange	boolean\n\
>=	bigint	bigint	boolean\n\
>=	bigint	integer	boolean\n\
>=	bigint	smallint	boolean\n\
>=	bit	bit	boolean\n\
>=	bit varying	bit varying	boolean\n\
>=	boolean	boolean	boolean\n\
>=	box	box	boolean\n\
>=	bytea	bytea	boolean\n\
>=	character	character	boolean\n\
>=	circle	circle	boolean\n\
>=	date	date	boolean\n\
>=	date	timestamp with time zone	boolean\n\
>=	date	timestamp without time zone	boolean\n\
>=	double precision	double precision	boolean\n\
>=	double precision	real	boolean\n\
>=	inet	inet	boolean\n\
>=	integer	bigint	boolean\n\
>=	integer	integer	boolean\n\
>=	integer	smallint	boolean\n\
>=	interval	interval	boolean\n\
>=	jsonb	jsonb	boolean\n\
>=	lseg	lseg	boolean\n\
>=	macaddr	macaddr	boolean\n\
>=	macaddr8	macaddr8	boolean\n\
>=	money	money	boolean\n\
>=	name	name	boolean\n\
>=	name	text	boolean\n\
>=	numeric	numeric	boolean\n\
>=	oid	oid	boolean\n\
>=	oidvector	oidvector	boolean\n\
>=	path	path	boolean\n\
>=	pg_lsn	pg_lsn	boolean\n\
>=	real	double precision	boolean\n\
>=	real	real	boolean\n\
>=	record	record	boolean\n\
>=	smallint	bigint	boolean\n\
>=	smallint	integer	boolean\n\
>=	smallint	smallint	boolean\n\
>=	text	name	boolean\n\
>=	text	text	boolean\n\
>=	tid	tid	boolean\n\
>=	time with time zone	time with time zone	boolean\n\
>=	time without time zone	time without time zone	boolean\n\
>=	timestamp with time zone	date	boolean\n\
>=	timestamp with time zone	timestamp with time zone	boolean\n\
>=	timestamp with time zone	timestamp without time zone	boolean\n\
>=	timestamp without time zone	date	boolean\n\
>=	timestamp without time zone	timestamp with time zone	boolean\n\
>=	timestamp without time zone	timestamp without time zone	boolean\n\
>=	tsquery	tsquery	boolean\n\
>=	tsvector	tsvector	boolean\n\
>=	uuid	uuid	boolean\n\
>=	xid8	xid8	boolean\n\
?	jsonb	text	boolean\n\
?&	jsonb	text[]	boolean\n\
?|		line	boolean\n\
?|		lseg	boolean\n\
?|	jsonb	text[]	boolean\n\
?|	point	point	boolean\n\
@		bigint	bigint\n\
@		double precision	double precision\n\
@		integer	integer\n\
@		numeric	numeric\n\
@		real	real\n\
@		smallint	smallint\n\
@>	aclitem[]	aclitem	boolean\n\
@>	anyarray	anyarray	boolean\n\
@>	anymultirange	anyelement	boolean\n\
@>	anymultirange	anymultirange	boolean\n\
@>	anymultirange	anyrange	boolean\n\
@>	anyrange	anyelement	boolean\n\
@>	anyrange	anymultirange	boolean\n\
@>	anyrange	anyrange	boolean\n\
@>	box	box	boolean\n\
@>	box	point	boolean\n\
@>	circle	circle	boolean\n\
@>	circle	point	boolean\n\
@>	jsonb	jsonb	boolean\n\
@>	path	point	boolean\n\
@>	polygon	point	boolean\n\
@>	polygon	polygon	boolean\n\
@>	tsquery	tsquery	boolean\n\
^	double precision	double precision	double precision\n\
^	numeric	numeric	numeric\n\
|/		double precision	double precision\n\
||	anycompatible	anycompatiblearray	anycompatiblearray\n\
||	anycompatiblearray	anycompatible	anycompatiblearray\n\
||	anycompatiblearray	anycompatiblearray	anycompatiblearray\n\
||	anynonarray	text	text\n\
||	bit varying	bit varying	bit varying\n\
||	bytea	bytea	bytea\n\
||	jsonb	jsonb	jsonb\n\
||	text	anynonarray	text\n\
||	text	text	text\n\
||	tsquery	tsquery	tsquery\n\
||	tsvector	tsvector	tsvector\n\
~		bigint	bigint\n\
~		bit	bit\n\
~		inet	inet\n\
~		integer	integer\n\
~		macaddr	macaddr\n\
~		macaddr8	macaddr8\n\
~		smallint	smallint\n\
~	character	text	boolean\n\
~	name	text	boolean\n\
~	text	text	boolean\n\
~*	character	text	boolean\n\
~*	name	text	boolean\n\
~*	text	text	boolean\n\
~~	bytea	bytea	boolean\n\
~~	character	text	boolean\n\
~~	name	text	boolean\n\
~~	text	text	boolean\n\
~~*	character	text	boolean\n\
~~*	name	text	boolean\n\
~~*	text	text	boolean\n\
";

// Built-in functions of PostgreSQL 15 (`pg_proc`, not variadic, not set-returning) by name:
// name, argument types (comma-separated), result type.
const FUNCTIONS: &str = "\
abs	bigint	bigint\n\
abs	double precision	double precision\n\
abs	integer	integer\n\
abs	numeric	numeric\n\
abs	real	real\n\
abs	smallint	smallint\n\
age	timestamp with time zone	interval\n\
age	timestamp with time zone,timestamp with time zone	interval\n\
age	timestamp without time zone	interval\n\
age	timestamp without time zone,timestamp without time zone	interval\n\
age	xid	integer\n\
array_append	anycompatiblearray,anycompatible	anycompatiblearray\n\
array_cat	anycompatiblearray,anycompatiblearray	anycompatiblearray\n\
array_length	anyarray,integer	integer\n\
array_lower	anyarray,integer	integer\n\
array_ndims	anyarray	integer\n\
array_position	anycompatiblearray,anycompatible	integer\n\
array_position	anycompatiblearray,anycompatible,integer	integer\n\
array_prepend	anycompatible,anycompatiblearray	anycompatiblearray\n\
array_upper	anyarray,integer	integer\n\
ascii	text	integer\n\
bit_length	bit	integer\n\
bit_length	bytea	integer\n\
bit_length	text	integer\n\
btrim	bytea,bytea	bytea\n\
btrim	text	text\n\
btrim	text,text	text\n\
cardinality	anyarray	integer\n\
ceil	double precision	double precision\n\
ceil	numeric	numeric\n\
ceiling	double precision	double precision\n\
ceiling	numeric	numeric\n\
char_length	character	integer\n\
char_length	text	integer\n\
character_length	character	integer\n\
character_length	text	integer\n\
chr	integer	text\n\
clock_timestamp		timestamp with time zone\n\
current_setting	text	text\n\
current_setting	text,boolean	text\n\
date	timestamp with time zone	date\n\
date	timestamp without time zone	date\n\
date_part	text,date	double precision\n\
date_part	text,interval	double precision\n\
date_part	text,time with time zone	double precision\n\
date_part	text,time without time zone	double precision\n\
date_part	text,timestamp with time zone	double precision\n\
date_part	text,timestamp without time zone	double precision\n\
date_trunc	text,interval	interval\n\
date_trunc	text,timestamp with time zone	timestamp with time zone\n\
date_trunc	text,timestamp with time zone,text	timestamp with time zone\n\
date_trunc	text,timestamp without time zone	timestamp without time zone\n\
exp	double precision	double precision\n\
exp	numeric	numeric\n\
extract	text,date	numeric\n\
extract	text,interval	numeric\n\
extract	text,time with time zone	numeric\n\
extract	text,time without time zone	numeric\n\
extract	text,timestamp with time zone	numeric\n\
extract	text,timestamp without time zone	numeric\n\
floor	double precision	double precision\n\
floor	numeric	numeric\n\
gen_random_uuid		uuid\n\
initcap	text	text\n\
isfinite	date	boolean\n\
isfinite	interval	boolean\n\
isfinite	timestamp with time zone	boolean\n\
isfinite	timestamp without time zone	boolean\n\
json_build_object		json\n\
jsonb_array_length	jsonb	integer\n\
jsonb_build_object		jsonb\n\
jsonb_exists	jsonb,text	boolean\n\
jsonb_typeof	jsonb	text\n\
justify_days	interval	interval\n\
left	text,integer	text\n\
length	bit	integer\n\
length	bytea	integer\n\
length	bytea,name	integer\n\
length	character	integer\n\
length	lseg	double precision\n\
length	path	double precision\n\
length	text	integer\n\
length	tsvector	integer\n\
ln	double precision	double precision\n\
ln	numeric	numeric\n\
log	double precision	double precision\n\
log	numeric	numeric\n\
log	numeric,numeric	numeric\n\
lower	anymultirange	anyelement\n\
lower	anyrange	anyelement\n\
lower	text	text\n\
lpad	text,integer	text\n\
lpad	text,integer,text	text\n\
ltrim	bytea,bytea	bytea\n\
ltrim	text	text\n\
ltrim	text,text	text\n\
make_date	integer,integer,integer	date\n\
md5	bytea	text\n\
md5	text	text\n\
mod	bigint,bigint	bigint\n\
mod	integer,integer	integer\n\
mod	numeric,numeric	numeric\n\
mod	smallint,smallint	smallint\n\
nextval	regclass	bigint\n\
now		timestamp with time zone\n\
octet_length	bit	integer\n\
octet_length	bytea	integer\n\
octet_length	character	integer\n\
octet_length	text	integer\n\
overlay	bit,bit,integer	bit\n\
overlay	bit,bit,integer,integer	bit\n\
overlay	bytea,bytea,integer	bytea\n\
overlay	bytea,bytea,integer,integer	bytea\n\
overlay	text,text,integer	text\n\
overlay	text,text,integer,integer	text\n\
pg_backend_pid		integer\n\
pi		double precision\n\
position	bit,bit	integer\n\
position	bytea,bytea	integer\n\
position	text,text	integer\n\
power	double precision,double precision	double precision\n\
power	numeric,numeric	numeric\n\
quote_ident	text	text\n\
random		double precision\n\
regexp_replace	text,text,text	text\n\
regexp_replace	text,text,text,integer	text\n\
regexp_replace	text,text,text,integer,integer	text\n\
regexp_replace	text,text,text,integer,integer,text	text\n\
regexp_replace	text,text,text,text	text\n\
repeat	text,integer	text\n\
replace	text,text,text	text\n\
reverse	text	text\n\
right	text,integer	text\n\
round	double precision	double precision\n\
round	numeric	numeric\n\
round	numeric,integer	numeric\n\
rpad	text,integer	text\n\
rpad	text,integer,text	text\n\
rtrim	bytea,bytea	bytea\n\
rtrim	text	text\n\
rtrim	text,text	text\n\
sign	double precision	double precision\n\
sign	numeric	numeric\n\
split_part	text,text,integer	text\n\
sqrt	double precision	double precision\n\
sqrt	numeric	numeric\n\
starts_with	text,text	boolean\n\
statement_timestamp		timestamp with time zone\n\
strpos	text,text	integer\n\
substr	bytea,integer	bytea\n\
substr	bytea,integer,integer	bytea\n\
substr	text,integer	text\n\
substr	text,integer,integer	text\n\
substring	bit,integer	bit\n\
substring	bit,integer,integer	bit\n\
substring	bytea,integer	bytea\n\
substring	bytea,integer,integer	bytea\n\
substring	text,integer	text\n\
substring	text,integer,integer	text\n\
substring	text,text	text\n\
substring	text,text,text	text\n\
textlen	text	integer\n\
timezone	interval,time with time zone	time with time zone\n\
timezone	interval,timestamp with time zone	timestamp without time zone\n\
timezone	interval,timestamp without time zone	timestamp with time zone\n\
timezone	text,time with time zone	time with time zone\n\
timezone	text,timestamp with time zone	timestamp without time zone\n\
timezone	text,timestamp without time zone	timestamp with time zone\n\
to_char	bigint,text	text\n\
to_char	double precision,text	text\n\
to_char	integer,text	text\n\
to_char	interval,text	text\n\
to_char	numeric,text	text\n\
to_char	real,text	text\n\
to_char	timestamp with time zone,text	text\n\
to_char	timestamp without time zone,text	text\n\
to_date	text,text	date\n\
to_jsonb	anyelement	jsonb\n\
to_timestamp	double precision	timestamp with time zone\n\
to_timestamp	text,text	timestamp with time zone\n\
transaction_timestamp		timestamp with time zone\n\
trunc	double precision	double precision\n\
trunc	macaddr	macaddr\n\
trunc	macaddr8	macaddr8\n\
trunc	numeric	numeric\n\
trunc	numeric,integer	numeric\n\
txid_current		bigint\n\
upper	anymultirange	anyelement\n\
upper	anyrange	anyelement\n\
upper	text	text\n\
";

// Built-in casts (`pg_cast`): source, target, context (i/a/e), method (f/i/b).
const CASTS: &str = "\
\"char\"	character	a	f\n\
\"char\"	character varying	a	f\n\
\"char\"	integer	e	f\n\
\"char\"	text	i	f\n\
bigint	bit	e	f\n\
bigint	double precision	i	f\n\
bigint	integer	a	f\n\
bigint	money	a	f\n\
bigint	numeric	i	f\n\
bigint	oid	i	f\n\
bigint	real	i	f\n\
bigint	regclass	i	f\n\
bigint	regcollation	i	f\n\
bigint	regconfig	i	f\n\
bigint	regdictionary	i	f\n\
bigint	regnamespace	i	f\n\
bigint	regoper	i	f\n\
bigint	regoperator	i	f\n\
bigint	regproc	i	f\n\
bigint	regprocedure	i	f\n\
bigint	regrole	i	f\n\
bigint	regtype	i	f\n\
bigint	smallint	a	f\n\
bit	bigint	e	f\n\
bit	bit	i	f\n\
bit	bit varying	i	b\n\
bit	integer	e	f\n\
bit varying	bit	i	b\n\
bit varying	bit varying	i	f\n\
boolean	character	a	f\n\
boolean	character varying	a	f\n\
boolean	integer	e	f\n\
boolean	text	a	f\n\
box	circle	e	f\n\
box	lseg	e	f\n\
box	point	e	f\n\
box	polygon	a	f\n\
character	\"char\"	a	f\n\
character	character	i	f\n\
character	character varying	i	f\n\
character	name	i	f\n\
character	text	i	f\n\
character	xml	e	f\n\
character varying	\"char\"	a	f\n\
character varying	character	i	b\n\
character varying	character varying	i	f\n\
character varying	name	i	f\n\
character varying	regclass	i	f\n\
character varying	text	i	b\n\
character varying	xml	e	f\n\
cidr	character	a	f\n\
cidr	character varying	a	f\n\
cidr	inet	i	b\n\
cidr	text	a	f\n\
circle	box	e	f\n\
circle	point	e	f\n\
circle	polygon	e	f\n\
date	timestamp with time zone	i	f\n\
date	timestamp without time zone	i	f\n\
daterange	datemultirange	e	f\n\
double precision	bigint	a	f\n\
double precision	integer	a	f\n\
double precision	numeric	a	f\n\
double precision	real	a	f\n\
double precision	smallint	a	f\n\
inet	character	a	f\n\
inet	character varying	a	f\n\
inet	cidr	a	f\n\
inet	text	a	f\n\
int4range	int4multirange	e	f\n\
int8range	int8multirange	e	f\n\
integer	\"char\"	e	f\n\
integer	bigint	i	f\n\
integer	bit	e	f\n\
integer	boolean	e	f\n\
integer	double precision	i	f\n\
integer	money	a	f\n\
integer	numeric	i	f\n\
integer	oid	i	b\n\
integer	real	i	f\n\
integer	regclass	i	b\n\
integer	regcollation	i	b\n\
integer	regconfig	i	b\n\
integer	regdictionary	i	b\n\
integer	regnamespace	i	b\n\
integer	regoper	i	b\n\
integer	regoperator	i	b\n\
integer	regproc	i	b\n\
integer	regprocedure	i	b\n\
integer	regrole	i	b\n\
integer	regtype	i	b\n\
integer	smallint	a	f\n\
interval	interval	i	f\n\
interval	time without time zone	a	f\n\
json	jsonb	a	i\n\
jsonb	bigint	e	f\n\
jsonb	boolean	e	f\n\
jsonb	double precision	e	f\n\
jsonb	integer	e	f\n\
jsonb	json	a	i\n\
jsonb	numeric	e	f\n\
jsonb	real	e	f\n\
jsonb	smallint	e	f\n\
lseg	point	e	f\n\
macaddr	macaddr8	i	f\n\
macaddr8	macaddr	i	f\n\
money	numeric	a	f\n\
name	character	a	f\n\
name	character varying	a	f\n\
name	text	i	f\n\
numeric	bigint	a	f\n\
numeric	double precision	i	f\n\
numeric	integer	a	f\n\
numeric	money	a	f\n\
numeric	numeric	i	f\n\
numeric	real	i	f\n\
numeric	smallint	a	f\n\
numrange	nummultirange	e	f\n\
oid	bigint	a	f\n\
oid	integer	a	b\n\
oid	regclass	i	b\n\
oid	regcollation	i	b\n\
oid	regconfig	i	b\n\
oid	regdictionary	i	b\n\
oid	regnamespace	i	b\n\
oid	regoper	i	b\n\
oid	regoperator	i	b\n\
oid	regproc	i	b\n\
oid	regprocedure	i	b\n\
oid	regrole	i	b\n\
oid	regtype	i	b\n\
path	polygon	a	f\n\
pg_dependencies	bytea	i	b\n\
pg_dependencies	text	i	i\n\
pg_mcv_list	bytea	i	b\n\
pg_mcv_list	text	i	i\n\
pg_ndistinct	bytea	i	b\n\
pg_ndistinct	text	i	i\n\
pg_node_tree	text	i	b\n\
point	box	a	f\n\
polygon	box	e	f\n\
polygon	circle	e	f\n\
polygon	path	a	f\n\
polygon	point	e	f\n\
real	bigint	a	f\n\
real	double precision	i	f\n\
real	integer	a	f\n\
real	numeric	a	f\n\
real	smallint	a	f\n\
regclass	bigint	a	f\n\
regclass	integer	a	b\n\
regclass	oid	i	b\n\
regcollation	bigint	a	f\n\
regcollation	integer	a	b\n\
regcollation	oid	i	b\n\
regconfig	bigint	a	f\n\
regconfig	integer	a	b\n\
regconfig	oid	i	b\n\
regdictionary	bigint	a	f\n\
regdictionary	integer	a	b\n\
regdictionary	oid	i	b\n\
regnamespace	bigint	a	f\n\
regnamespace	integer	a	b\n\
regnamespace	oid	i	b\n\
regoper	bigint	a	f\n\
regoper	integer	a	b\n\
regoper	oid	i	b\n\
regoper	regoperator	i	b\n\
regoperator	bigint	a	f\n\
regoperator	integer	a	b\n\
regoperator	oid	i	b\n\
regoperator	regoper	i	b\n\
regproc	bigint	a	f\n\
regproc	integer	a	b\n\
regproc	oid	i	b\n\
regproc	regprocedure	i	b\n\
regprocedure	bigint	a	f\n\
regprocedure	integer	a	b\n\
regprocedure	oid	i	b\n\
regprocedure	regproc	i	b\n\
regrole	bigint	a	f\n\
regrole	integer	a	b\n\
regrole	oid	i	b\n\
regtype	bigint	a	f\n\
regtype	integer	a	b\n\
regtype	oid	i	b\n\
smallint	bigint	i	f\n\
smallint	double precision	i	f\n\
smallint	integer	i	f\n\
smallint	numeric	i	f\n\
smallint	oid	i	f\n\
smallint	real	i	f\n\
smallint	regclass	i	f\n\
smallint	regcollation	i	f\n\
smallint	regconfig	i	f\n\
smallint	regdictionary	i	f\n\
smallint	regnamespace	i	f\n\
smallint	regoper	i	f\n\
smallint	regoperator	i	f\n\
smallint	regproc	i	f\n\
smallint	regprocedure	i	f\n\
smallint	regrole	i	f\n\
smallint	regtype	i	f\n\
text	\"char\"	a	f\n\
text	character	i	b\n\
text	character varying	i	b\n\
text	name	i	f\n\
text	regclass	i	f\n\
text	xml	e	f\n\
time with time zone	time with time zone	i	f\n\
time with time zone	time without time zone	a	f\n\
time without time zone	interval	i	f\n\
time without time zone	time with time zone	i	f\n\
time without time zone	time without time zone	i	f\n\
timestamp with time zone	date	a	f\n\
timestamp with time zone	time with time zone	a	f\n\
timestamp with time zone	time without time zone	a	f\n\
timestamp with time zone	timestamp with time zone	i	f\n\
timestamp with time zone	timestamp without time zone	a	f\n\
timestamp without time zone	date	a	f\n\
timestamp without time zone	time without time zone	a	f\n\
timestamp without time zone	timestamp with time zone	i	f\n\
timestamp without time zone	timestamp without time zone	i	f\n\
tsrange	tsmultirange	e	f\n\
tstzrange	tstzmultirange	e	f\n\
xid8	xid	e	f\n\
xml	character	a	b\n\
xml	character varying	a	b\n\
xml	text	a	b\n\
";

// The type category and preferred flag (`pg_type`) of every type named above.
const TYPES: &str = "\
\"char\"	Z	f\n\
aclitem	U	f\n\
aclitem[]	A	f\n\
anyarray	P	f\n\
anycompatible	P	f\n\
anycompatiblearray	P	f\n\
anyelement	P	f\n\
anyenum	P	f\n\
anymultirange	P	f\n\
anynonarray	P	f\n\
anyrange	P	f\n\
bigint	N	f\n\
bit	V	f\n\
bit varying	V	t\n\
boolean	B	t\n\
box	G	f\n\
bytea	U	f\n\
character	S	f\n\
character varying	S	f\n\
cid	U	f\n\
cidr	I	f\n\
circle	G	f\n\
date	D	f\n\
datemultirange	R	f\n\
daterange	R	f\n\
double precision	N	t\n\
inet	I	t\n\
int4multirange	R	f\n\
int4range	R	f\n\
int8multirange	R	f\n\
int8range	R	f\n\
integer	N	f\n\
interval	T	t\n\
json	U	f\n\
jsonb	U	f\n\
line	G	f\n\
lseg	G	f\n\
macaddr	U	f\n\
macaddr8	U	f\n\
money	N	f\n\
name	S	f\n\
numeric	N	f\n\
nummultirange	R	f\n\
numrange	R	f\n\
oid	N	t\n\
oidvector	A	f\n\
path	G	f\n\
pg_dependencies	Z	f\n\
pg_lsn	U	f\n\
pg_mcv_list	Z	f\n\
pg_ndistinct	Z	f\n\
pg_node_tree	Z	f\n\
point	G	f\n\
polygon	G	f\n\
real	N	f\n\
record	P	f\n\
regclass	N	f\n\
regcollation	N	f\n\
regconfig	N	f\n\
regdictionary	N	f\n\
regnamespace	N	f\n\
regoper	N	f\n\
regoperator	N	f\n\
regproc	N	f\n\
regprocedure	N	f\n\
regrole	N	f\n\
regtype	N	f\n\
smallint	N	f\n\
text	S	t\n\
text[]	A	f\n\
tid	U	f\n\
time with time zone	D	f\n\
time without time zone	D	f\n\
timestamp with time zone	D	t\n\
timestamp without time zone	D	f\n\
tsmultirange	R	f\n\
tsquery	U	f\n\
tsrange	R	f\n\
tstzmultirange	R	f\n\
tstzrange	R	f\n\
tsvector	U	f\n\
uuid	U	f\n\
xid	U	f\n\
xid8	U	f\n\
xml	U	f\n\
";

// ---------------------------------------------------------------------------------------------
// Expressions inside a query (a view's body): columns of several relations printed with their
// range-table names, aggregates, window functions and subqueries.

/// A column an expression inside a query can see, as it prints.
#[derive(Clone, Debug)]
pub(crate) struct QueryColumn {
    /// The quoted range-table name printed before the column; None prints it unqualified.
    pub prefix: Option<String>,
    pub name: String,
    pub ty: ResolvedType,
}

/// A subquery inside an expression, printed at a given indentation level.
pub(crate) trait SubqueryText: std::fmt::Debug {
    fn text(&self, indent: i32) -> R<String>;
}

/// An analysed subquery: how it prints and the types of its output columns.
pub(crate) struct Subquery {
    pub text: Rc<dyn SubqueryText>,
    pub columns: Vec<ResolvedType>,
}

/// What the query around an expression answers.
pub(crate) trait QueryHooks {
    /// A column reference (`qualifier` the range-table name written before it).
    fn column(&self, qualifier: Option<&str>, name: &str) -> R<QueryColumn>;
    /// A subquery in an expression, analysed with the current query as its parent.
    fn subquery(&self, query: &Query) -> R<Subquery>;
    /// A name no column answers, tried as a function parameter (an SQL-standard function
    /// body): the text it prints as and its type. None when no parameter matches.
    fn parameter(&self, qualifier: Option<&str>, name: &str) -> R<Option<(String, ResolvedType)>> {
        let _ = (qualifier, name);
        Ok(None)
    }
    /// A `$n` parameter reference: the text it prints as and its type.
    fn parameter_number(&self, number: usize) -> R<(String, ResolvedType)> {
        let _ = number;
        err("a parameter reference outside a function body")
    }
}

/// An analysed expression inside a query.
#[derive(Clone, Debug)]
pub(crate) struct QueryExpr(Typed);

/// Analyses `expr` inside a query.
pub(crate) fn analyze_query_expr(
    expr: &Expr,
    scope: &dyn Scope,
    hooks: &dyn QueryHooks,
) -> R<QueryExpr> {
    let mut a = Analyzer {
        scope,
        hooks: Some(hooks),
        depth: 0,
    };
    Ok(QueryExpr(a.analyze(expr)?))
}

/// Analyses a target-list item of a query: like [`analyze_query_expr`], and a set-returning
/// `unnest(array)` is accepted when it is the whole item (the one place the canonicalizer
/// reproduces a set-returning function).
pub(crate) fn analyze_query_target(
    expr: &Expr,
    scope: &dyn Scope,
    hooks: &dyn QueryHooks,
) -> R<QueryExpr> {
    let mut a = Analyzer {
        scope,
        hooks: Some(hooks),
        depth: 0,
    };
    if let Expr::Function(f) = expr
        && let Some(t) = a.unnest(f)?
    {
        return Ok(QueryExpr(t));
    }
    Ok(QueryExpr(a.analyze(expr)?))
}

/// The common type of several columns' types (`select_common_type`), unknowns left out by
/// the caller.
pub(crate) fn common_query_type(types: &[ResolvedType]) -> R<ResolvedType> {
    let tys = types.iter().map(Ty::from_resolved).collect::<R<Vec<_>>>()?;
    Ok(common_type_of(&tys)?.to_resolved())
}

/// The spelling of `t` without its type modifier.
pub(crate) fn type_without_typmod(t: &ResolvedType) -> R<ResolvedType> {
    Ok(Ty::from_resolved(t)?.base_name_only().to_resolved())
}

/// Whether a type has the default btree ordering ORDER BY needs.
pub(crate) fn type_orderable(t: &ResolvedType) -> bool {
    Ty::from_resolved(t).is_ok_and(|t| has_btree_order(&t))
}

/// ` DESC`, ` NULLS FIRST`, ... as `get_rule_orderby` prints a direction.
pub(crate) fn sort_suffix(desc: bool, nulls_first: bool) -> &'static str {
    match (desc, nulls_first) {
        (false, false) => "",
        (false, true) => " NULLS FIRST",
        (true, true) => " DESC",
        (true, false) => " DESC NULLS LAST",
    }
}

/// `appendContextKeyword`'s indentation for a level (deep levels wrap).
pub(crate) fn indent_amount(level: i32) -> i32 {
    const LIMIT: i32 = 40;
    if level < LIMIT {
        level.max(0)
    } else {
        (LIMIT + (level - LIMIT) / 4) % LIMIT
    }
}

/// The direction of an ORDER BY item: (descending, nulls first).
pub(crate) fn sort_direction(o: &OrderByExpr) -> R<(bool, bool)> {
    if o.with_fill.is_some() {
        return err("ORDER BY ... WITH FILL");
    }
    let desc = match o.options.sort {
        None | Some(OrderBySort::Asc) => false,
        Some(OrderBySort::Desc) => true,
        Some(_) => return err("ORDER BY ... USING"),
    };
    Ok((desc, o.options.nulls_first.unwrap_or(desc)))
}

impl QueryExpr {
    /// A plain column reference.
    pub(crate) fn var(c: &QueryColumn) -> R<QueryExpr> {
        Ok(QueryExpr(typed(
            Node::Var {
                prefix: c.prefix.clone(),
                name: c.name.clone(),
            },
            Ty::from_resolved(&c.ty)?,
        )))
    }

    pub(crate) fn ty(&self) -> ResolvedType {
        self.0.ty.to_resolved()
    }

    pub(crate) fn is_unknown(&self) -> bool {
        self.0.ty.is_unknown()
    }

    /// The column name when the expression is a plain column reference.
    pub(crate) fn var_name(&self) -> Option<&str> {
        match &self.0.node {
            Node::Var { name, .. } => Some(name),
            _ => None,
        }
    }

    /// Coerced to `target` as an implicit cast would.
    pub(crate) fn coerce_to(self, target: &ResolvedType) -> R<QueryExpr> {
        let t = Ty::from_resolved(target)?;
        Ok(QueryExpr(coerce(self.0, &t, Coercion::Implicit)?))
    }

    /// Coerced to `target` as an assignment (INSERT, UPDATE SET) would.
    pub(crate) fn assign_to(self, target: &ResolvedType) -> R<QueryExpr> {
        let t = Ty::from_resolved(target)?;
        Ok(QueryExpr(coerce(self.0, &t, Coercion::Assignment)?))
    }

    /// A WHERE/HAVING/ON condition: boolean, unknown literals coerced.
    pub(crate) fn condition(self) -> R<QueryExpr> {
        Ok(QueryExpr(coerce_bool(self.0)?))
    }

    /// Refuses a tree that still holds a literal of unknown type.
    pub(crate) fn check(&self) -> R<()> {
        check_resolved(&self.0)
    }

    /// Whether the type has the default btree ordering ORDER BY needs.
    pub(crate) fn orderable(&self) -> bool {
        has_btree_order(&self.0.ty)
    }

    fn printer(indent: i32) -> Printer {
        Printer {
            buf: String::new(),
            pretty: false,
            indent,
        }
    }

    /// `get_rule_expr` at indentation level `indent`.
    pub(crate) fn print(&self, indent: i32, showimplicit: bool) -> R<String> {
        self.check()?;
        let mut p = Self::printer(indent);
        p.expr(&self.0, showimplicit, Parent::Top)?;
        Ok(p.buf)
    }

    /// `get_rule_sortgroupclause` (GROUP BY, ORDER BY, DISTINCT ON items).
    pub(crate) fn print_sortgroup(&self, indent: i32) -> R<String> {
        self.check()?;
        let mut p = Self::printer(indent);
        p.sortgroup(&self.0)?;
        Ok(p.buf)
    }

    /// A NULL constant (`LIMIT ALL`).
    pub(crate) fn is_null_const(&self) -> bool {
        matches!(self.0.node, Node::Const { value: None })
    }
}

impl Ty {
    fn base_name_only(&self) -> Ty {
        Ty {
            sql: self.name.clone(),
            ..self.clone()
        }
    }
}

fn not(t: Typed) -> Typed {
    typed(
        Node::Bool {
            op: BoolOp::Not,
            args: vec![t],
        },
        bool_ty(),
    )
}

struct AggTables {
    aggregates: BTreeMap<&'static str, Vec<Sig>>,
    windows: BTreeMap<&'static str, Vec<Sig>>,
}

fn agg_tables() -> &'static AggTables {
    static T: OnceLock<AggTables> = OnceLock::new();
    T.get_or_init(|| {
        let mut aggregates: BTreeMap<&'static str, Vec<Sig>> = BTreeMap::new();
        let mut windows: BTreeMap<&'static str, Vec<Sig>> = BTreeMap::new();
        for line in AGGREGATES.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            if let [name, args, result, kind] = f[..] {
                let args = if args.is_empty() {
                    Vec::new()
                } else {
                    args.split(',').collect()
                };
                let map = if kind == "w" {
                    &mut windows
                } else {
                    &mut aggregates
                };
                map.entry(name).or_default().push(Sig { args, result });
            }
        }
        AggTables {
            aggregates,
            windows,
        }
    })
}

/// The text a sort or group item prints as, to find repeated items (PostgreSQL keeps the
/// first of equal ones).
fn sortgroup_text(t: &Typed) -> R<String> {
    let mut p = Printer {
        buf: String::new(),
        pretty: false,
        indent: 0,
    };
    p.sortgroup(t)?;
    Ok(p.buf)
}

fn dedupe_keys(keys: Vec<SortKey>) -> R<Vec<SortKey>> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for k in keys {
        let text = sortgroup_text(&k.expr)?;
        if !seen.contains(&text) {
            seen.push(text);
            out.push(k);
        }
    }
    Ok(out)
}

impl QueryExpr {
    /// The text the item prints as at the top level (repeated ORDER BY / GROUP BY items).
    pub(crate) fn identity(&self) -> R<String> {
        sortgroup_text(&self.0)
    }
}

impl Analyzer<'_> {
    fn sort_key(&mut self, o: &OrderByExpr) -> R<SortKey> {
        let (desc, nulls_first) = sort_direction(o)?;
        let expr = self.analyze(&o.expr)?;
        let expr = if expr.ty.is_unknown() {
            coerce(expr, &Ty::builtin("text"), Coercion::Implicit)?
        } else {
            expr
        };
        if !has_btree_order(&expr.ty) {
            return err(format!("ORDER BY a value of type {}", expr.ty.name));
        }
        Ok(SortKey {
            expr,
            desc,
            nulls_first,
        })
    }

    fn sublink(&mut self, kind: SubLinkKind, test: Option<&Expr>, q: &Query) -> R<Typed> {
        let Some(h) = self.hooks else {
            return err("a subquery");
        };
        let sub = h.subquery(q)?;
        match kind {
            SubLinkKind::Exists => Ok(typed(
                Node::SubLink {
                    kind,
                    test: None,
                    query: sub.text,
                },
                bool_ty(),
            )),
            SubLinkKind::Expr => {
                let [col] = sub.columns.as_slice() else {
                    return err("a scalar subquery that does not return one column");
                };
                Ok(typed(
                    Node::SubLink {
                        kind,
                        test: None,
                        query: sub.text,
                    },
                    Ty::from_resolved(col)?,
                ))
            }
            SubLinkKind::Any(ref op) => {
                let [col] = sub.columns.as_slice() else {
                    return err("IN (subquery) with more than one column");
                };
                let Some(test) = test else {
                    return err("IN without a left side");
                };
                let left = self.analyze(test)?;
                let right = typed(Node::Const { value: None }, Ty::from_resolved(col)?);
                let (declared, result) = resolve_operator(op, &[left.clone(), right])?;
                if result.name != "boolean" {
                    return err("IN (subquery) with a non-boolean operator");
                }
                let left = coerce(left, &declared[0], Coercion::Implicit)?;
                Ok(typed(
                    Node::SubLink {
                        kind,
                        test: Some(Box::new(left)),
                        query: sub.text,
                    },
                    bool_ty(),
                ))
            }
        }
    }

    /// `unnest(anyarray)` (`pg_catalog.unnest`, set-returning): the call with its result the
    /// array's element type (no type modifier, as a function result has none); None for any
    /// other function.
    fn unnest(&mut self, f: &Function) -> R<Option<Typed>> {
        let parts = object_parts(&f.name)?;
        let is_unnest = match parts.as_slice() {
            [n] => n == "unnest",
            [s, n] => s == "pg_catalog" && n == "unnest",
            _ => false,
        };
        if !is_unnest {
            return Ok(None);
        }
        let Some(args) = self.function_args(f)? else {
            return err("unnest without arguments");
        };
        let [arg] = <[Typed; 1]>::try_from(args).map_err(|_| ExprError {
            message: "unnest with other than one argument".into(),
        })?;
        if arg.ty.is_unknown() || !arg.ty.is_array() {
            return err("unnest of something other than an array");
        }
        let sigs = [Sig {
            args: vec!["anyarray"],
            result: "anyelement",
        }];
        let args = vec![arg];
        let sig = select_candidate("function unnest", &sigs, &tys(&args), false)?;
        let (declared, result) = bind_polymorphic(sig, &tys(&args))?;
        let args = args
            .into_iter()
            .zip(&declared)
            .map(|(a, d)| coerce(a, d, Coercion::Implicit))
            .collect::<R<Vec<_>>>()?;
        Ok(Some(typed(
            Node::Func {
                name: "unnest".into(),
                args,
            },
            result.base_name_only(),
        )))
    }

    /// An aggregate or window function call; None when `f` is neither.
    fn aggregate(&mut self, parts: &[String], f: &Function) -> R<Option<Typed>> {
        let name = match parts {
            [n] => n.as_str(),
            [s, n] if s == "pg_catalog" => n.as_str(),
            _ => {
                if f.over.is_some() || f.filter.is_some() {
                    return err("a user-defined aggregate or window function");
                }
                return Ok(None);
            }
        };
        let t = agg_tables();
        let agg = t.aggregates.get(name);
        let win = t.windows.get(name);
        if agg.is_none() && win.is_none() {
            if f.over.is_some() || f.filter.is_some() {
                return err(format!("unknown aggregate or window function {name}"));
            }
            return Ok(None);
        }
        if !f.within_group.is_empty()
            || f.null_treatment.is_some()
            || !matches!(f.parameters, FunctionArguments::None)
            || f.uses_odbc_syntax
        {
            return err("an aggregate call with WITHIN GROUP or other options");
        }
        let FunctionArguments::List(list) = &f.args else {
            return err("an aggregate call without an argument list");
        };
        let distinct = match list.duplicate_treatment {
            None | Some(sqlparser::ast::DuplicateTreatment::All) => false,
            Some(sqlparser::ast::DuplicateTreatment::Distinct) => true,
        };
        let mut order = Vec::new();
        for c in &list.clauses {
            match c {
                FunctionArgumentClause::OrderBy(items) => {
                    for o in items {
                        order.push(self.sort_key(o)?);
                    }
                }
                _ => return err("an aggregate argument clause"),
            }
        }
        let mut star = false;
        let mut args = Vec::new();
        for a in &list.args {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => args.push(self.analyze(e)?),
                FunctionArg::Unnamed(FunctionArgExpr::Wildcard) if list.args.len() == 1 => {
                    star = true;
                }
                _ => return err("a named or wildcard aggregate argument"),
            }
        }
        let filter = match &f.filter {
            Some(e) => {
                let c = coerce_bool(self.analyze(e)?)?;
                Some(Box::new(c))
            }
            None => None,
        };
        let over = match &f.over {
            None => None,
            Some(WindowType::NamedWindow(_)) => return err("a named window"),
            Some(WindowType::WindowSpec(spec)) => {
                if spec.window_name.is_some() || spec.window_frame.is_some() {
                    return err("a window with a frame clause or a base window");
                }
                let mut partition = Vec::new();
                for p in &spec.partition_by {
                    let x = self.analyze(p)?;
                    let x = if x.ty.is_unknown() {
                        coerce(x, &Ty::builtin("text"), Coercion::Implicit)?
                    } else {
                        x
                    };
                    partition.push(x);
                }
                let mut order = Vec::new();
                for o in &spec.order_by {
                    order.push(self.sort_key(o)?);
                }
                let mut seen = Vec::new();
                let mut parts = Vec::new();
                for p in partition {
                    let text = sortgroup_text(&p)?;
                    if !seen.contains(&text) {
                        seen.push(text);
                        parts.push(p);
                    }
                }
                Some(WindowDef {
                    partition: parts,
                    order: dedupe_keys(order)?,
                })
            }
        };
        let order = dedupe_keys(order)?;
        if over.is_some() && (distinct || !order.is_empty()) {
            return err("DISTINCT or ORDER BY in a window aggregate");
        }
        let sigs = match (agg, win) {
            (Some(a), _) => a,
            (None, Some(w)) => {
                if over.is_none() {
                    return err(format!("window function {name} without OVER"));
                }
                w
            }
            (None, None) => return Ok(None),
        };
        if star && name != "count" {
            return err(format!("{name}(*)"));
        }
        let (args, result) = if name == "count" {
            if !star && args.len() != 1 {
                return err("count with several arguments");
            }
            if args.iter().any(|a| a.ty.is_unknown()) {
                return err("count of a literal of unknown type");
            }
            (args, Ty::builtin("bigint"))
        } else {
            if args.is_empty() && sigs.iter().all(|s| !s.args.is_empty()) {
                return err(format!("{name}() without arguments"));
            }
            let sig = select_candidate(&format!("function {name}"), sigs, &tys(&args), false)?;
            let (declared, result) = bind_polymorphic(sig, &tys(&args))?;
            let args = args
                .into_iter()
                .zip(&declared)
                .map(|(a, d)| coerce(a, d, Coercion::Implicit))
                .collect::<R<Vec<_>>>()?;
            (args, result)
        };
        Ok(Some(typed(
            Node::Agg {
                name: ident_out(name)?,
                star,
                distinct,
                args,
                order,
                filter,
                over,
            },
            result,
        )))
    }
}

// Built-in aggregates and window functions of PostgreSQL 15 (`pg_proc`, kinds `a` and `w`,
// plain aggregates only, for the names the canonicalizer resolves): name, argument types,
// result type, kind.
const AGGREGATES: &str = "\
array_agg\tanyarray\tanyarray\ta\n\
array_agg\tanynonarray\tanyarray\ta\n\
avg\tbigint\tnumeric\ta\n\
avg\tdouble precision\tdouble precision\ta\n\
avg\tinteger\tnumeric\ta\n\
avg\tinterval\tinterval\ta\n\
avg\tnumeric\tnumeric\ta\n\
avg\treal\tdouble precision\ta\n\
avg\tsmallint\tnumeric\ta\n\
bit_and\tbigint\tbigint\ta\n\
bit_and\tbit\tbit\ta\n\
bit_and\tinteger\tinteger\ta\n\
bit_and\tsmallint\tsmallint\ta\n\
bit_or\tbigint\tbigint\ta\n\
bit_or\tbit\tbit\ta\n\
bit_or\tinteger\tinteger\ta\n\
bit_or\tsmallint\tsmallint\ta\n\
bool_and\tboolean\tboolean\ta\n\
bool_or\tboolean\tboolean\ta\n\
count\t\tbigint\ta\n\
cume_dist\t\tdouble precision\tw\n\
dense_rank\t\tbigint\tw\n\
every\tboolean\tboolean\ta\n\
first_value\tanyelement\tanyelement\tw\n\
json_agg\tanyelement\tjson\ta\n\
jsonb_agg\tanyelement\tjsonb\ta\n\
lag\tanycompatible,integer,anycompatible\tanycompatible\tw\n\
lag\tanyelement\tanyelement\tw\n\
lag\tanyelement,integer\tanyelement\tw\n\
last_value\tanyelement\tanyelement\tw\n\
lead\tanycompatible,integer,anycompatible\tanycompatible\tw\n\
lead\tanyelement\tanyelement\tw\n\
lead\tanyelement,integer\tanyelement\tw\n\
max\tanyarray\tanyarray\ta\n\
max\tanyenum\tanyenum\ta\n\
max\tbigint\tbigint\ta\n\
max\tcharacter\tcharacter\ta\n\
max\tdate\tdate\ta\n\
max\tdouble precision\tdouble precision\ta\n\
max\tinet\tinet\ta\n\
max\tinteger\tinteger\ta\n\
max\tinterval\tinterval\ta\n\
max\tmoney\tmoney\ta\n\
max\tnumeric\tnumeric\ta\n\
max\toid\toid\ta\n\
max\tpg_lsn\tpg_lsn\ta\n\
max\treal\treal\ta\n\
max\tsmallint\tsmallint\ta\n\
max\ttext\ttext\ta\n\
max\ttid\ttid\ta\n\
max\ttime with time zone\ttime with time zone\ta\n\
max\ttime without time zone\ttime without time zone\ta\n\
max\ttimestamp with time zone\ttimestamp with time zone\ta\n\
max\ttimestamp without time zone\ttimestamp without time zone\ta\n\
max\txid8\txid8\ta\n\
min\tanyarray\tanyarray\ta\n\
min\tanyenum\tanyenum\ta\n\
min\tbigint\tbigint\ta\n\
min\tcharacter\tcharacter\ta\n\
min\tdate\tdate\ta\n\
min\tdouble precision\tdouble precision\ta\n\
min\tinet\tinet\ta\n\
min\tinteger\tinteger\ta\n\
min\tinterval\tinterval\ta\n\
min\tmoney\tmoney\ta\n\
min\tnumeric\tnumeric\ta\n\
min\toid\toid\ta\n\
min\tpg_lsn\tpg_lsn\ta\n\
min\treal\treal\ta\n\
min\tsmallint\tsmallint\ta\n\
min\ttext\ttext\ta\n\
min\ttid\ttid\ta\n\
min\ttime with time zone\ttime with time zone\ta\n\
min\ttime without time zone\ttime without time zone\ta\n\
min\ttimestamp with time zone\ttimestamp with time zone\ta\n\
min\ttimestamp without time zone\ttimestamp without time zone\ta\n\
min\txid8\txid8\ta\n\
nth_value\tanyelement,integer\tanyelement\tw\n\
ntile\tinteger\tinteger\tw\n\
percent_rank\t\tdouble precision\tw\n\
rank\t\tbigint\tw\n\
row_number\t\tbigint\tw\n\
stddev\tbigint\tnumeric\ta\n\
stddev\tdouble precision\tdouble precision\ta\n\
stddev\tinteger\tnumeric\ta\n\
stddev\tnumeric\tnumeric\ta\n\
stddev\treal\tdouble precision\ta\n\
stddev\tsmallint\tnumeric\ta\n\
stddev_pop\tbigint\tnumeric\ta\n\
stddev_pop\tdouble precision\tdouble precision\ta\n\
stddev_pop\tinteger\tnumeric\ta\n\
stddev_pop\tnumeric\tnumeric\ta\n\
stddev_pop\treal\tdouble precision\ta\n\
stddev_pop\tsmallint\tnumeric\ta\n\
stddev_samp\tbigint\tnumeric\ta\n\
stddev_samp\tdouble precision\tdouble precision\ta\n\
stddev_samp\tinteger\tnumeric\ta\n\
stddev_samp\tnumeric\tnumeric\ta\n\
stddev_samp\treal\tdouble precision\ta\n\
stddev_samp\tsmallint\tnumeric\ta\n\
string_agg\tbytea,bytea\tbytea\ta\n\
string_agg\ttext,text\ttext\ta\n\
sum\tbigint\tnumeric\ta\n\
sum\tdouble precision\tdouble precision\ta\n\
sum\tinteger\tbigint\ta\n\
sum\tinterval\tinterval\ta\n\
sum\tmoney\tmoney\ta\n\
sum\tnumeric\tnumeric\ta\n\
sum\treal\treal\ta\n\
sum\tsmallint\tbigint\ta\n\
var_pop\tbigint\tnumeric\ta\n\
var_pop\tdouble precision\tdouble precision\ta\n\
var_pop\tinteger\tnumeric\ta\n\
var_pop\tnumeric\tnumeric\ta\n\
var_pop\treal\tdouble precision\ta\n\
var_pop\tsmallint\tnumeric\ta\n\
var_samp\tbigint\tnumeric\ta\n\
var_samp\tdouble precision\tdouble precision\ta\n\
var_samp\tinteger\tnumeric\ta\n\
var_samp\tnumeric\tnumeric\ta\n\
var_samp\treal\tdouble precision\ta\n\
var_samp\tsmallint\tnumeric\ta\n\
variance\tbigint\tnumeric\ta\n\
variance\tdouble precision\tdouble precision\ta\n\
variance\tinteger\tnumeric\ta\n\
variance\tnumeric\tnumeric\ta\n\
variance\treal\tdouble precision\ta\n\
variance\tsmallint\tnumeric\ta\n\
";

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::parser::Parser;

    struct Cols;

    impl Scope for Cols {
        fn column(&self, _: Option<&str>, name: &str) -> Option<ResolvedType> {
            match name {
                "a" => Some(ResolvedType::builtin("integer")),
                "b" => Some(ResolvedType::builtin("text")),
                "n" => Some(ResolvedType::builtin("numeric")),
                _ => None,
            }
        }
        fn user_type(&self, _: Option<&str>, _: &str) -> Option<ResolvedType> {
            None
        }
        fn function(
            &self,
            _: Option<&str>,
            _: &str,
            _: &[ResolvedType],
        ) -> Option<(String, ResolvedType)> {
            None
        }
    }

    fn canon(text: &str, role: &Role) -> Result<String, ExprError> {
        let e = Parser::new(&crate::sql::RetortDialect)
            .try_with_sql(text)
            .and_then(|mut p| p.parse_expr())
            .expect("parses");
        canonicalize(&e, role, &Cols)
    }

    #[test]
    fn numeric_literals_print_as_numeric_out() {
        for (input, out) in [
            ("1.50", "1.50"),
            ("1.5e3", "1500"),
            ("1e-3", "0.001"),
            (".5", "0.5"),
            ("5.", "5"),
            ("-0.0", "0.0"),
            ("00012.30", "12.30"),
            ("1.25E1", "12.5"),
        ] {
            assert_eq!(numeric_text(input).as_deref(), Ok(out), "{input}");
        }
    }

    #[test]
    fn constants_are_labelled_as_get_const_expr_does() {
        let d = |t: &str| Role::Default {
            target: ResolvedType::builtin(t),
        };
        assert_eq!(canon("-1", &d("integer")).as_deref(), Ok("'-1'::integer"));
        assert_eq!(
            canon("1.5e3", &d("numeric")).as_deref(),
            Ok("'1500'::numeric")
        );
        assert_eq!(canon("1.5", &d("numeric")).as_deref(), Ok("1.5"));
        assert_eq!(
            canon("3000000000", &d("bigint")).as_deref(),
            Ok("'3000000000'::bigint")
        );
        assert_eq!(
            canon("'x'", &d("character(2)")).as_deref(),
            Ok("'x'::bpchar")
        );
        assert_eq!(canon("'it''s'", &d("text")).as_deref(), Ok("'it''s'::text"));
        assert!(canon("null", &d("integer")).is_err());
    }

    #[test]
    fn literal_inputs_are_normalized() {
        assert_eq!(
            jsonb_literal(r#"{"bb":1,"a":{"y":[1,2.50]},"a":true}"#).as_deref(),
            Ok(r#"{"a": true, "bb": 1}"#)
        );
        assert_eq!(
            array_literal(r#"{a, "b c",NULL,"null",""}"#, &Ty::builtin("text")).as_deref(),
            Ok(r#"{a,"b c",NULL,"null",""}"#)
        );
        assert_eq!(interval_literal("36 hours").as_deref(), Ok("36:00:00"));
        assert_eq!(
            interval_literal("1 year 13 months").as_deref(),
            Ok("2 years 1 mon")
        );
        assert!(interval_literal("1.5 days").is_err());
    }

    #[test]
    fn parentheses_follow_ruleutils() {
        assert_eq!(
            canon("a + 1 * 2 > 0 and b <> ''", &Role::Check).as_deref(),
            Ok("(((a + (1 * 2)) > 0) AND (b <> ''::text))")
        );
        assert_eq!(
            canon("(a - 1) - (a - 1) * 2", &Role::IndexKey).as_deref(),
            Ok("a - 1 - (a - 1) * 2")
        );
        assert_eq!(
            canon("a > 0 or a < 0 and b = 'x'", &Role::IndexKey).as_deref(),
            Ok("a > 0 OR a < 0 AND b = 'x'::text")
        );
        assert_eq!(
            canon("a > 0 and (a < 5 and a <> 3)", &Role::Check).as_deref(),
            Ok("((a > 0) AND ((a < 5) AND (a <> 3)))")
        );
        assert_eq!(
            canon("n > 0", &Role::Check).as_deref(),
            Ok("(n > (0)::numeric)")
        );
    }

    #[test]
    fn strange_input_is_an_error_not_a_panic() {
        for text in [
            "a > (select 1)",
            "b collate \"C\" > 'a'",
            "zz",
            "a::nosuch",
            "'x'",
        ] {
            assert!(canon(text, &Role::Check).is_err(), "{text}");
        }
    }
}
