//! A view's query (parsed by sqlparser with [`RetortDialect`](crate::sql::RetortDialect))
//! canonicalized offline to the text PostgreSQL 15's `pg_get_viewdef(oid)` prints (with an empty
//! `search_path`, so relations and user functions print schema-qualified), and the view's
//! output columns.
//!
//! The query is analysed as PostgreSQL's parser does (`parse_clause.c`, `parse_target.c`,
//! `analyze.c`): the FROM clause becomes range-table entries named as `set_rtable_names` names
//! them (an alias, else the relation's name, made unique across the query and its parents with
//! `_1`, `_2` suffixes; `old` and `new` are taken by the view's own rule), columns resolve
//! through the namespace (joins hide their inputs' columns behind their own, JOIN USING merges
//! columns), `*` expands, output columns get `FigureColname`'s names, ORDER BY and GROUP BY
//! items find their target-list entries. Expressions go through [`canon::expr`](super::expr).
//! The result is printed as `ruleutils.c`'s `get_query_def` prints it with `PRETTYFLAG_INDENT`
//! and a wrap column of 0: every column reference qualified, one target-list item a line,
//! `FROM`, `WHERE`, `GROUP BY`, ... on their own indented lines, joins parenthesized.
//!
//! [`canonicalize_sql_body`] prints an SQL-standard function body as
//! `pg_get_function_sqlbody` does with the same deparser: statements one indentation level
//! deeper, output names shown only when they are not `?column?`, parameters printed by name
//! (qualified by the function's name wherever a range table is in scope) or as `$n` when the
//! function names none.
//!
//! `WITH RECURSIVE` is reproduced for CTEs that are `non-recursive term UNION [ALL] recursive
//! term`; [`canonicalize_recursive_view`] prints `CREATE RECURSIVE VIEW` as PostgreSQL stores
//! it (the query wrapped in a recursive CTE named after the view).
//!
//! Anything not reproduced exactly (LATERAL, table functions, named windows,
//! frame clauses, a JOIN USING whose columns need a cast, ...) is an [`ExprError`].

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use retort_sql::quote::quote_ident;
use sqlparser::ast::{
    AssignmentTarget, CteAsMaterialized, DataType, Distinct, Expr, FromTable, FunctionArguments,
    GroupByExpr, Ident, Join, JoinConstraint, JoinOperator, LimitClause, ObjectName, OrderByExpr,
    OrderByKind, Query, ReturnStatement, ReturnStatementValue, Select, SelectFlavor, SelectItem,
    SelectItemQualifiedWildcardKind, SetExpr, SetOperator, SetQuantifier, Statement, TableAlias,
    TableFactor, TableObject, TableWithJoins, TrimWhereField, Value, Values,
    WildcardAdditionalOptions,
};

use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

use crate::canon::expr::{
    ExprError, QueryColumn, QueryExpr, QueryHooks, ResolvedType, Scope, Subquery, SubqueryText,
    analyze_query_expr, analyze_query_target, common_query_type, indent_amount, sort_direction,
    sort_suffix, type_orderable, type_without_typmod,
};
use crate::sql::RetortDialect;

/// A relation a query can read: its schema, name and columns in order.
#[derive(Clone, Debug)]
pub struct RelationColumns {
    pub schema: String,
    pub name: String,
    pub columns: Vec<(String, ResolvedType)>,
}

/// What names in a view's query refer to, beyond what `Scope` answers (user types, functions,
/// sequences).
pub trait QueryScope: Scope {
    /// A table or view by name (`schema` None: through the search path), with its columns.
    fn relation(&self, schema: Option<&str>, name: &str) -> Option<RelationColumns>;
}

/// A view's query as PostgreSQL 15 prints it, and its output columns.
#[derive(Clone, Debug)]
pub struct ViewDefinition {
    pub definition: String,
    pub columns: Vec<(String, ResolvedType)>,
}

type R<T> = Result<T, ExprError>;

fn err<T>(message: impl Into<String>) -> R<T> {
    Err(ExprError {
        message: message.into(),
    })
}

const INDENT_STD: i32 = 8;
const INDENT_JOIN: i32 = 4;
const INDENT_VAR: i32 = 4;
const MAX_DEPTH: usize = 24;

/// `column_names`: the `CREATE VIEW v (a, b)` list, folded (empty when not given).
pub fn canonicalize_view(
    query: &Query,
    column_names: &[String],
    scope: &dyn QueryScope,
) -> Result<ViewDefinition, ExprError> {
    let env = Env {
        scope,
        outer: Vec::new(),
        used: BTreeSet::new(),
        ctes: Vec::new(),
        depth: 0,
        params: None,
        qualify: false,
    };
    let q = analyze_query(query, &env, true, true)?;
    if column_names.len() > q.columns.len() {
        return err("CREATE VIEW specifies more column names than columns");
    }
    let mut columns = q.columns.clone();
    for (c, n) in columns.iter_mut().zip(column_names) {
        c.0 = n.clone();
    }
    let mut seen = BTreeSet::new();
    for (n, _) in &columns {
        if !seen.insert(n.as_str()) {
            return err(format!("column {n} specified more than once"));
        }
    }
    let names: Vec<String> = columns.iter().map(|(n, _)| n.clone()).collect();
    let mut definition = print_query(&q, 0, Some(&names), true)?;
    definition.push(';');
    Ok(ViewDefinition {
        definition,
        columns,
    })
}

/// A `CREATE RECURSIVE VIEW name (column_names) AS query` as PostgreSQL 15 prints it: the
/// server stores it as `WITH RECURSIVE name (column_names) AS (query) SELECT column_names
/// FROM name`. `name` is the view's own name (unqualified, as the CTE takes it).
pub fn canonicalize_recursive_view(
    name: &str,
    query: &Query,
    column_names: &[String],
    scope: &dyn QueryScope,
) -> Result<ViewDefinition, ExprError> {
    if column_names.is_empty() {
        return err("CREATE RECURSIVE VIEW without a column list");
    }
    // The wrapper is parsed from text with every name quoted (so it folds to itself), and the
    // view's own query is put in as it was parsed.
    let quoted = |n: &str| format!("\"{}\"", n.replace('"', "\"\""));
    let cols = column_names
        .iter()
        .map(|c| quoted(c))
        .collect::<Vec<_>>()
        .join(", ");
    let text = format!(
        "WITH RECURSIVE {} ({cols}) AS (SELECT 1) SELECT {cols} FROM {}",
        quoted(name),
        quoted(name)
    );
    let parsed = Parser::new(&RetortDialect)
        .try_with_sql(&text)
        .and_then(|mut p| p.parse_query())
        .map_err(|e| ExprError {
            message: format!("recursive view wrapper: {e}"),
        })?;
    let mut wrapped = *parsed;
    let Some(with) = wrapped.with.as_mut() else {
        return err("recursive view wrapper without WITH");
    };
    let [cte] = with.cte_tables.as_mut_slice() else {
        return err("recursive view wrapper without one CTE");
    };
    *cte.query = query.clone();
    canonicalize_view(&wrapped, column_names, scope)
}

// ---------------------------------------------------------------------------------------------
// Analysis

struct Env<'s> {
    scope: &'s dyn QueryScope,
    /// Enclosing query levels, innermost last (correlated column references).
    outer: Vec<Rc<Level>>,
    /// Range-table names of enclosing levels (names of this level's entries avoid them).
    used: BTreeSet<String>,
    /// CTEs visible here, innermost last.
    ctes: Vec<Rc<CteDef>>,
    depth: usize,
    /// The parameters of the function whose body this is (None in a view).
    params: Option<Rc<Params>>,
    /// Whether an enclosing level has range-table entries (parameters then print qualified
    /// by the function's name, as `get_parameter` does).
    qualify: bool,
}

impl Env<'_> {
    fn child(&self, level: Option<Rc<Level>>, names: &BTreeSet<String>) -> R<Env<'_>> {
        if self.depth >= MAX_DEPTH {
            return err("query nested too deeply");
        }
        let mut outer = self.outer.clone();
        if let Some(l) = level {
            outer.push(l);
        }
        let mut used = self.used.clone();
        used.extend(names.iter().cloned());
        Ok(Env {
            scope: self.scope,
            outer,
            used,
            ctes: self.ctes.clone(),
            depth: self.depth + 1,
            params: self.params.clone(),
            qualify: self.qualify,
        })
    }
}

#[derive(Debug)]
struct CteDef {
    name: String,
    columns: Vec<(String, ResolvedType)>,
    /// A recursive CTE while its non-recursive term is analysed (a reference to it there is
    /// refused, as PostgreSQL refuses it).
    pending: bool,
}

/// The names a query level's expressions can see.
#[derive(Debug, Default)]
struct Level {
    items: Vec<NsItem>,
}

#[derive(Clone, Debug)]
struct NsItem {
    /// The name written in the query (alias or relation name); None for an unnamed join.
    refname: Option<String>,
    rel_visible: bool,
    cols_visible: bool,
    /// (name to look up, the column as it prints).
    columns: Vec<(String, QueryColumn)>,
}

fn lookup(level: &Level, qualifier: Option<&str>, name: &str) -> R<Option<QueryColumn>> {
    match qualifier {
        Some(q) => {
            let items: Vec<&NsItem> = level
                .items
                .iter()
                .filter(|i| i.rel_visible && i.refname.as_deref() == Some(q))
                .collect();
            match items.as_slice() {
                [] => Ok(None),
                [item] => {
                    let cols: Vec<&QueryColumn> = item
                        .columns
                        .iter()
                        .filter(|(n, _)| n == name)
                        .map(|(_, c)| c)
                        .collect();
                    match cols.as_slice() {
                        [c] => Ok(Some((*c).clone())),
                        [] => err(format!("column {q}.{name} does not exist")),
                        _ => err(format!("column reference {q}.{name} is ambiguous")),
                    }
                }
                _ => err(format!("table reference {q} is ambiguous")),
            }
        }
        None => {
            let cols: Vec<&QueryColumn> = level
                .items
                .iter()
                .filter(|i| i.cols_visible)
                .flat_map(|i| i.columns.iter())
                .filter(|(n, _)| n == name)
                .map(|(_, c)| c)
                .collect();
            match cols.as_slice() {
                [] => Ok(None),
                [c] => Ok(Some((*c).clone())),
                _ => err(format!("column reference {name} is ambiguous")),
            }
        }
    }
}

/// Whether a qualifier names an item of the level (then lookup stops there).
fn has_refname(level: &Level, q: &str) -> bool {
    level
        .items
        .iter()
        .any(|i| i.rel_visible && i.refname.as_deref() == Some(q))
}

struct Hooks<'a, 's> {
    env: &'a Env<'s>,
    level: Rc<Level>,
    /// Final range-table names of this level.
    names: &'a BTreeSet<String>,
    /// Whether this level has range-table entries.
    rtable: bool,
}

impl QueryHooks for Hooks<'_, '_> {
    fn column(&self, qualifier: Option<&str>, name: &str) -> R<QueryColumn> {
        let levels = std::iter::once(&self.level).chain(self.env.outer.iter().rev());
        for l in levels {
            if let Some(c) = lookup(l, qualifier, name)? {
                return Ok(c);
            }
            if let Some(q) = qualifier
                && has_refname(l, q)
            {
                return err(format!("column {q}.{name} does not exist"));
            }
        }
        match qualifier {
            Some(q) => err(format!("missing FROM-clause entry for table {q}")),
            None => err(format!("column {name} does not exist")),
        }
    }

    fn parameter(&self, qualifier: Option<&str>, name: &str) -> R<Option<(String, ResolvedType)>> {
        let Some(p) = &self.env.params else {
            return Ok(None);
        };
        // A column always wins (an ambiguous one stays an error).
        let levels = std::iter::once(&self.level).chain(self.env.outer.iter().rev());
        for l in levels {
            if lookup(l, qualifier, name)?.is_some() {
                return Ok(None);
            }
        }
        if qualifier.is_some_and(|q| q != p.function) {
            return Ok(None);
        }
        match p.list.iter().position(|x| x.name.as_deref() == Some(name)) {
            Some(i) => p.text(i, self.qualify_params()).map(Some),
            None => Ok(None),
        }
    }

    fn parameter_number(&self, number: usize) -> R<(String, ResolvedType)> {
        let Some(p) = &self.env.params else {
            return err(format!(
                "a parameter reference ${number} outside a function body"
            ));
        };
        if number == 0 {
            return err("there is no parameter $0");
        }
        p.text(number - 1, self.qualify_params())
    }

    fn subquery(&self, query: &Query) -> R<Subquery> {
        let mut env = self.env.child(Some(self.level.clone()), self.names)?;
        env.qualify |= self.rtable;
        let q = analyze_query(query, &env, false, true)?;
        let columns = q.columns.iter().map(|(_, t)| t.clone()).collect();
        Ok(Subquery {
            text: Rc::new(SubText(q)),
            columns,
        })
    }
}

#[derive(Debug)]
struct SubText(AQuery);

impl SubqueryText for SubText {
    fn text(&self, indent: i32) -> R<String> {
        print_query(&self.0, indent, None, false)
    }
}

fn fold(ident: &Ident) -> String {
    if ident.quote_style.is_some() {
        ident.value.clone()
    } else {
        ident.value.to_ascii_lowercase()
    }
}

fn name_parts(name: &ObjectName) -> R<Vec<String>> {
    name.0
        .iter()
        .map(|p| match p.as_ident() {
            Some(i) => Ok(fold(i)),
            None => err("an unsupported name"),
        })
        .collect()
}

/// An analysed query.
#[derive(Debug)]
struct AQuery {
    ctes: Vec<ACte>,
    /// `WITH RECURSIVE`.
    recursive: bool,
    body: ABody,
    order: Vec<AOrder>,
    offset: Option<QueryExpr>,
    limit: Option<ALimit>,
    /// Output columns: names (`resname`) and types.
    columns: Vec<(String, ResolvedType)>,
}

impl AQuery {
    fn needs_parens_in_setop(&self) -> bool {
        !self.ctes.is_empty()
            || !self.order.is_empty()
            || self.offset.is_some()
            || self.limit.is_some()
    }
}

#[derive(Debug)]
struct ACte {
    name: String,
    alias_columns: Vec<String>,
    materialized: Option<bool>,
    query: AQuery,
}

#[derive(Debug)]
enum ABody {
    Select(Box<ASelect>),
    Values(Vec<Vec<QueryExpr>>),
    SetOp(Box<ASetOp>),
}

#[derive(Debug)]
struct ASetOp {
    op: &'static str,
    all: bool,
    left: SetNode,
    right: SetNode,
}

#[derive(Debug)]
enum SetNode {
    Leaf(Box<AQuery>),
    Op(Box<ASetOp>),
}

#[derive(Debug)]
struct ASelect {
    distinct: Option<Vec<QueryExpr>>,
    targets: Vec<Tle>,
    from: Vec<AFrom>,
    filter: Option<QueryExpr>,
    group: Vec<QueryExpr>,
    having: Option<QueryExpr>,
}

#[derive(Debug)]
struct Tle {
    expr: QueryExpr,
    name: String,
}

#[derive(Debug)]
enum OrderKey {
    Expr(Box<QueryExpr>),
    /// A set operation's output column (printed by number).
    Column(usize),
}

#[derive(Debug)]
struct AOrder {
    key: OrderKey,
    desc: bool,
    nulls_first: bool,
}

#[derive(Debug)]
enum ALimit {
    Count(QueryExpr),
    WithTies(QueryExpr),
}

#[derive(Debug)]
enum AFrom {
    Relation {
        name: String,
        alias: Option<String>,
        columns: Option<Vec<String>>,
    },
    Subquery {
        query: Box<AQuery>,
        alias: String,
        columns: Option<Vec<String>>,
    },
    Cte {
        name: String,
        alias: Option<String>,
        columns: Option<Vec<String>>,
    },
    Join {
        keyword: &'static str,
        left: Box<AFrom>,
        right: Box<AFrom>,
        cond: JoinCond,
        alias: Option<(String, Option<Vec<String>>)>,
    },
}

#[derive(Debug)]
enum JoinCond {
    On(Box<QueryExpr>),
    Using(Vec<String>),
    None,
}

/// `analyze_query`: `top` for the view's own query (its rule's `old` and `new` take those
/// names); `resolve_unknowns` false for a set operation's leaves.
fn analyze_query(q: &Query, env: &Env<'_>, top: bool, resolve_unknowns: bool) -> R<AQuery> {
    if !q.locks.is_empty()
        || q.for_clause.is_some()
        || q.settings.is_some()
        || q.format_clause.is_some()
        || !q.pipe_operators.is_empty()
    {
        return err("a query clause not supported in views");
    }
    let mut extra: BTreeSet<String> = BTreeSet::new();
    if top {
        extra.insert("old".into());
        extra.insert("new".into());
    }
    // CTEs: analysed once for their columns (their printed names come later).
    let body_rtable = body_has_rtable(q.body.as_ref());
    let mut cte_env = env.child(None, &BTreeSet::new())?;
    cte_env.depth = env.depth;
    let mut cte_defs = Vec::new();
    let recursive = q.with.as_ref().is_some_and(|w| w.recursive);
    if let Some(w) = &q.with {
        for c in &w.cte_tables {
            if c.from.is_some() {
                return err("a CTE with FROM");
            }
            let name = fold(&c.alias.name);
            let mut sub_env = cte_env.child(None, &BTreeSet::new())?;
            sub_env.qualify |= body_rtable;
            let alias_columns = alias_columns(&c.alias)?;
            let columns = if recursive {
                recursive_cte_columns(&c.query, &name, &alias_columns, &sub_env)?
            } else {
                let sub = analyze_query(&c.query, &sub_env, false, true)?;
                rename(&sub.columns, &alias_columns)?
            };
            let def = Rc::new(CteDef {
                name,
                columns,
                pending: false,
            });
            cte_defs.push((c, def.clone(), alias_columns));
            cte_env.ctes.push(def);
        }
    }
    let mut outer_order: &[OrderByExpr] = &[];
    if let Some(ob) = &q.order_by {
        if ob.interpolate.is_some() {
            return err("ORDER BY ... INTERPOLATE");
        }
        match &ob.kind {
            OrderByKind::Expressions(v) => outer_order = v,
            OrderByKind::All(_) => return err("ORDER BY ALL"),
        }
    }
    // The body, with this level's names.
    let (body, order, columns, level_names) = match q.body.as_ref() {
        SetExpr::Select(s) => {
            let (sel, order, columns, names) =
                analyze_select(s, outer_order, &cte_env, &extra, resolve_unknowns)?;
            (ABody::Select(Box::new(sel)), order, columns, names)
        }
        SetExpr::Query(inner) => {
            if q.with.is_none()
                && q.order_by.is_none()
                && q.limit_clause.is_none()
                && q.fetch.is_none()
            {
                return analyze_query(inner, env, top, resolve_unknowns);
            }
            return err("a parenthesized query with its own clauses");
        }
        SetExpr::Values(v) => {
            if !outer_order.is_empty() {
                return err("VALUES with ORDER BY");
            }
            let (rows, columns) = analyze_values(v, &cte_env)?;
            (ABody::Values(rows), Vec::new(), columns, extra.clone())
        }
        SetExpr::SetOperation { .. } => {
            let mut names = extra.clone();
            let leaves = count_leaves(q.body.as_ref());
            for i in 1..=leaves {
                names.insert(format!("*SELECT* {i}"));
            }
            let mut leaf_env = cte_env.child(None, &names)?;
            leaf_env.qualify = true;
            let node = analyze_setop(q.body.as_ref(), &leaf_env)?;
            let SetNode::Op(op) = node else {
                return err("a set operation");
            };
            let columns = setop_columns(&op);
            let mut order = Vec::new();
            for o in outer_order {
                let (desc, nulls_first) = sort_direction(o)?;
                let idx = match &o.expr {
                    Expr::Identifier(id) => {
                        let n = fold(id);
                        columns.iter().position(|(c, _)| *c == n)
                    }
                    Expr::Value(v) => match &v.value {
                        Value::Number(n, false) => n
                            .parse::<usize>()
                            .ok()
                            .filter(|i| *i >= 1 && *i <= columns.len())
                            .map(|i| i - 1),
                        _ => None,
                    },
                    _ => None,
                };
                let Some(idx) = idx else {
                    return err("ORDER BY on a set operation that is not an output column");
                };
                if !type_orderable(&columns[idx].1) {
                    return err("ORDER BY a type without ordering");
                }
                if order
                    .iter()
                    .any(|o: &AOrder| matches!(o.key, OrderKey::Column(c) if c == idx))
                {
                    continue;
                }
                order.push(AOrder {
                    key: OrderKey::Column(idx),
                    desc,
                    nulls_first,
                });
            }
            (ABody::SetOp(op), order, columns, names)
        }
        _ => return err("an unsupported query body"),
    };
    // CTEs again, now that this level's names are known.
    let mut ctes = Vec::new();
    let mut final_env = env.child(None, &level_names)?;
    final_env.depth = env.depth;
    for (c, def, alias_columns) in cte_defs {
        if recursive {
            final_env.ctes.push(def.clone());
        }
        let mut sub_env = final_env.child(None, &BTreeSet::new())?;
        sub_env.qualify |= body_rtable;
        let sub = analyze_query(&c.query, &sub_env, false, true)?;
        if !recursive {
            final_env.ctes.push(def);
        }
        let materialized = match c.materialized {
            None => None,
            Some(CteAsMaterialized::Materialized) => Some(true),
            Some(CteAsMaterialized::NotMaterialized) => Some(false),
        };
        ctes.push(ACte {
            name: fold(&c.alias.name),
            alias_columns,
            materialized,
            query: sub,
        });
    }
    // LIMIT / OFFSET.
    let no_columns = Hooks {
        env: &cte_env,
        level: Rc::new(Level::default()),
        names: &level_names,
        rtable: body_rtable,
    };
    let bigint = ResolvedType::builtin("bigint");
    let limit_expr = |e: &Expr| -> R<QueryExpr> {
        let x = analyze_query_expr(e, env.scope, &no_columns)?;
        x.coerce_to(&bigint)
    };
    let mut offset = None;
    let mut limit = None;
    match &q.limit_clause {
        None => {}
        Some(LimitClause::LimitOffset {
            limit: l,
            offset: o,
            limit_by,
        }) => {
            if !limit_by.is_empty() {
                return err("LIMIT BY");
            }
            if l.is_none() && o.is_none() {
                // `LIMIT ALL` parses to nothing; PostgreSQL prints it.
                return err("LIMIT ALL");
            }
            if let Some(o) = o {
                offset = Some(limit_expr(&o.value)?);
            }
            if let Some(l) = l {
                if let Expr::Value(v) = l
                    && matches!(v.value, Value::Null)
                {
                    return err("LIMIT NULL");
                }
                limit = Some(ALimit::Count(limit_expr(l)?));
            }
        }
        Some(LimitClause::OffsetCommaLimit { .. }) => return err("LIMIT offset, count"),
    }
    if let Some(f) = &q.fetch {
        if f.percent || limit.is_some() {
            return err("FETCH with PERCENT or with LIMIT");
        }
        let n = match &f.quantity {
            Some(e) => limit_expr(e)?,
            None => limit_expr(&Expr::value(Value::Number("1".into(), false)))?,
        };
        if f.with_ties {
            if order.is_empty() {
                return err("WITH TIES without ORDER BY");
            }
            limit = Some(ALimit::WithTies(n));
        } else {
            limit = Some(ALimit::Count(n));
        }
    }
    if matches!(body, ABody::Values(_)) && (offset.is_some() || limit.is_some()) {
        return err("VALUES with LIMIT or OFFSET");
    }
    Ok(AQuery {
        ctes,
        recursive,
        body,
        order,
        offset,
        limit,
        columns,
    })
}

/// The columns of a CTE in a `WITH RECURSIVE` list (`analyzeCTE`): a self-referencing one
/// must be `non-recursive term UNION [ALL] recursive term`; its columns take the
/// non-recursive term's types, and the whole query must produce exactly those types.
fn recursive_cte_columns(
    query: &Query,
    name: &str,
    alias_columns: &[String],
    env: &Env<'_>,
) -> R<Vec<(String, ResolvedType)>> {
    let mut pending_env = env.child(None, &BTreeSet::new())?;
    pending_env.depth = env.depth;
    pending_env.ctes.push(Rc::new(CteDef {
        name: name.to_owned(),
        columns: Vec::new(),
        pending: true,
    }));
    // Without a self-reference the CTE is an ordinary one.
    if let Ok(sub) = analyze_query(query, &pending_env, false, true) {
        return rename(&sub.columns, alias_columns);
    }
    let plain = query.with.is_none()
        && query.order_by.is_none()
        && query.limit_clause.is_none()
        && query.fetch.is_none();
    let SetExpr::SetOperation {
        left,
        op: SetOperator::Union,
        ..
    } = query.body.as_ref()
    else {
        return err("a recursive CTE that is not a UNION of two terms");
    };
    if !plain {
        return err("a recursive CTE with its own WITH, ORDER BY or LIMIT");
    }
    let non_recursive = node_columns(&analyze_setop(left, &pending_env)?);
    if non_recursive.iter().any(|(_, t)| t.sql == "unknown") {
        return err("a recursive CTE whose non-recursive term has a column of unknown type");
    }
    let columns = rename(&non_recursive, alias_columns)?;
    let mut full_env = env.child(None, &BTreeSet::new())?;
    full_env.depth = env.depth;
    full_env.ctes.push(Rc::new(CteDef {
        name: name.to_owned(),
        columns: columns.clone(),
        pending: false,
    }));
    let whole = analyze_query(query, &full_env, false, true)?;
    if whole.columns.len() != columns.len()
        || whole.columns.iter().zip(&columns).any(|(a, b)| a.1 != b.1)
    {
        return err(format!(
            "recursive query {name} has other types in its non-recursive term than overall"
        ));
    }
    Ok(columns)
}

/// Whether a query body has range-table entries (FROM items, a set operation's leaves, a
/// VALUES list).
fn body_has_rtable(e: &SetExpr) -> bool {
    match e {
        SetExpr::Select(s) => !s.from.is_empty(),
        SetExpr::Query(q) => body_has_rtable(q.body.as_ref()),
        _ => true,
    }
}

fn count_leaves(e: &SetExpr) -> usize {
    match e {
        SetExpr::SetOperation { left, right, .. } => count_leaves(left) + count_leaves(right),
        _ => 1,
    }
}

fn alias_columns(a: &TableAlias) -> R<Vec<String>> {
    a.columns
        .iter()
        .map(|c| {
            if c.data_type.is_some() {
                err("a column alias with a type")
            } else {
                Ok(fold(&c.name))
            }
        })
        .collect()
}

/// Columns renamed by an alias list (the first ones).
fn rename(columns: &[(String, ResolvedType)], alias: &[String]) -> R<Vec<(String, ResolvedType)>> {
    if alias.len() > columns.len() {
        return err("more column aliases than columns");
    }
    let mut out = columns.to_vec();
    for (c, a) in out.iter_mut().zip(alias) {
        c.0 = a.clone();
    }
    Ok(out)
}

fn setop_columns(op: &ASetOp) -> Vec<(String, ResolvedType)> {
    match &op.left {
        SetNode::Leaf(q) => q.columns.clone(),
        SetNode::Op(o) => setop_columns(o),
    }
}

fn node_columns(n: &SetNode) -> Vec<(String, ResolvedType)> {
    match n {
        SetNode::Leaf(q) => q.columns.clone(),
        SetNode::Op(o) => setop_columns(o),
    }
}

fn analyze_setop(e: &SetExpr, env: &Env<'_>) -> R<SetNode> {
    match e {
        SetExpr::SetOperation {
            left,
            op,
            set_quantifier,
            right,
        } => {
            let op = match op {
                SetOperator::Union => "UNION",
                SetOperator::Intersect => "INTERSECT",
                SetOperator::Except => "EXCEPT",
                SetOperator::Minus => return err("MINUS"),
            };
            let all = match set_quantifier {
                SetQuantifier::All => true,
                SetQuantifier::Distinct | SetQuantifier::None => false,
                _ => return err("a set operation BY NAME"),
            };
            let mut left = analyze_setop(left, env)?;
            let mut right = analyze_setop(right, env)?;
            let lc = node_columns(&left);
            let rc = node_columns(&right);
            if lc.len() != rc.len() {
                return err("set operation inputs with different numbers of columns");
            }
            for (i, (l, r)) in lc.iter().zip(&rc).enumerate() {
                let unknown_l = l.1.sql == "unknown";
                let unknown_r = r.1.sql == "unknown";
                let ty = match (unknown_l, unknown_r) {
                    (true, true) => ResolvedType::builtin("text"),
                    (true, false) => type_without_typmod(&r.1)?,
                    (false, true) => type_without_typmod(&l.1)?,
                    (false, false) => {
                        if l.1 == r.1 {
                            l.1.clone()
                        } else {
                            let lb = type_without_typmod(&l.1)?;
                            let rb = type_without_typmod(&r.1)?;
                            if lb != rb {
                                return err("set operation columns of different types");
                            }
                            lb
                        }
                    }
                };
                // The common type without a modifier unless both sides carry the same one.
                let ty = if !unknown_l && !unknown_r && l.1 == r.1 {
                    ty
                } else if unknown_l || unknown_r {
                    common_query_type(std::slice::from_ref(&ty))?
                } else {
                    ty
                };
                if unknown_l {
                    coerce_leaf(&mut left, i, &ty)?;
                }
                if unknown_r {
                    coerce_leaf(&mut right, i, &ty)?;
                }
                if !unknown_l && !unknown_r && l.1 != r.1 {
                    // Same type, different modifiers: the output has none.
                    set_column_type(&mut left, i, &ty);
                }
            }
            Ok(SetNode::Op(Box::new(ASetOp {
                op,
                all,
                left,
                right,
            })))
        }
        SetExpr::Select(s) => {
            let (sel, order, columns, _) = analyze_select(s, &[], env, &BTreeSet::new(), false)?;
            debug_assert!(order.is_empty());
            Ok(SetNode::Leaf(Box::new(AQuery {
                ctes: Vec::new(),
                recursive: false,
                body: ABody::Select(Box::new(sel)),
                order,
                offset: None,
                limit: None,
                columns,
            })))
        }
        SetExpr::Query(q) => {
            if matches!(q.body.as_ref(), SetExpr::SetOperation { .. })
                && q.with.is_none()
                && q.order_by.is_none()
                && q.limit_clause.is_none()
                && q.fetch.is_none()
            {
                return analyze_setop(q.body.as_ref(), env);
            }
            let sub = analyze_query(q, env, false, false)?;
            if let ABody::SetOp(_) = sub.body {
                return err("a parenthesized set operation with its own clauses");
            }
            Ok(SetNode::Leaf(Box::new(sub)))
        }
        _ => err("VALUES or another query form inside a set operation"),
    }
}

/// Gives an unknown-typed leaf column its resolved type (the constant becomes typed).
fn coerce_leaf(n: &mut SetNode, i: usize, ty: &ResolvedType) -> R<()> {
    let SetNode::Leaf(q) = n else {
        return err("an unknown-typed column from a nested set operation");
    };
    let ABody::Select(sel) = &mut q.body else {
        return err("an unknown-typed set operation column");
    };
    let Some(t) = sel.targets.get_mut(i) else {
        return err("set operation column out of range");
    };
    t.expr = t.expr.clone().coerce_to(ty)?;
    if let Some(c) = q.columns.get_mut(i) {
        c.1 = ty.clone();
    }
    Ok(())
}

fn set_column_type(n: &mut SetNode, i: usize, ty: &ResolvedType) {
    match n {
        SetNode::Leaf(q) => {
            if let Some(c) = q.columns.get_mut(i) {
                c.1 = ty.clone();
            }
        }
        SetNode::Op(o) => set_column_type(&mut o.left, i, ty),
    }
}

type ValuesResult = (Vec<Vec<QueryExpr>>, Vec<(String, ResolvedType)>);

fn analyze_values(v: &Values, env: &Env<'_>) -> R<ValuesResult> {
    if v.explicit_row {
        return err("VALUES ROW(...)");
    }
    let names = BTreeSet::new();
    let hooks = Hooks {
        env,
        level: Rc::new(Level::default()),
        names: &names,
        rtable: true,
    };
    let mut rows = Vec::new();
    for r in &v.rows {
        let row = r
            .content
            .iter()
            .map(|e| analyze_query_expr(e, env.scope, &hooks))
            .collect::<R<Vec<_>>>()?;
        rows.push(row);
    }
    let Some(width) = rows.first().map(Vec::len) else {
        return err("empty VALUES");
    };
    if rows.iter().any(|r| r.len() != width) || width == 0 {
        return err("VALUES lists of different lengths");
    }
    let mut columns = Vec::new();
    for i in 0..width {
        let known: Vec<ResolvedType> = rows
            .iter()
            .filter(|r| !r[i].is_unknown())
            .map(|r| r[i].ty())
            .collect();
        let ty = if known.is_empty() {
            ResolvedType::builtin("text")
        } else {
            common_query_type(&known)?
        };
        for r in rows.iter_mut() {
            r[i] = r[i].clone().coerce_to(&ty)?;
        }
        columns.push((format!("column{}", i + 1), ty));
    }
    Ok((rows, columns))
}

// FROM clause --------------------------------------------------------------------------------

#[derive(Debug)]
enum RteSrc<'q> {
    Relation { schema: String, name: String },
    Subquery(&'q Query),
    Cte(String),
    Join,
}

#[derive(Debug)]
struct Rte<'q> {
    /// The name `set_rtable_names` starts from (None for an unnamed join).
    candidate: Option<String>,
    src: RteSrc<'q>,
    /// Column names (after the alias list) and types.
    columns: Vec<(String, ResolvedType)>,
    alias_given: bool,
    /// Whether the column alias list prints.
    print_columns: bool,
}

enum FromTree<'q> {
    Leaf(usize),
    Join {
        rte: usize,
        keyword: &'static str,
        kind: JoinKind,
        left: Box<FromTree<'q>>,
        right: Box<FromTree<'q>>,
        constraint: Option<&'q JoinConstraint>,
        alias: Option<&'q TableAlias>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum JoinKind {
    Inner,
    Left,
    Right,
    Full,
    Cross,
}

struct FromBuilder<'q, 'e, 's> {
    env: &'e Env<'s>,
    rtes: Vec<Rte<'q>>,
}

impl<'q> FromBuilder<'q, '_, '_> {
    fn item(&mut self, t: &'q TableWithJoins) -> R<FromTree<'q>> {
        let mut tree = self.factor(&t.relation)?;
        for j in &t.joins {
            tree = self.join(tree, j)?;
        }
        Ok(tree)
    }

    fn join(&mut self, left: FromTree<'q>, j: &'q Join) -> R<FromTree<'q>> {
        if j.global {
            return err("GLOBAL JOIN");
        }
        let (kind, constraint) = match &j.join_operator {
            JoinOperator::Join(c) | JoinOperator::Inner(c) => (JoinKind::Inner, c),
            JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (JoinKind::Left, c),
            JoinOperator::Right(c) | JoinOperator::RightOuter(c) => (JoinKind::Right, c),
            JoinOperator::FullOuter(c) => (JoinKind::Full, c),
            JoinOperator::CrossJoin(c) => (JoinKind::Cross, c),
            _ => return err("an unsupported join"),
        };
        let right = self.factor(&j.relation)?;
        let keyword = match kind {
            JoinKind::Inner => " JOIN ",
            JoinKind::Left => " LEFT JOIN ",
            JoinKind::Right => " RIGHT JOIN ",
            JoinKind::Full => " FULL JOIN ",
            JoinKind::Cross => " CROSS JOIN ",
        };
        match (kind, constraint) {
            (JoinKind::Cross, JoinConstraint::None) => {}
            (JoinKind::Cross, _) => return err("CROSS JOIN with a condition"),
            (_, JoinConstraint::None) => return err("JOIN without ON or USING"),
            _ => {}
        }
        let rte = self.rtes.len();
        self.rtes.push(Rte {
            candidate: None,
            src: RteSrc::Join,
            columns: Vec::new(),
            alias_given: false,
            print_columns: false,
        });
        Ok(FromTree::Join {
            rte,
            keyword,
            kind,
            left: Box::new(left),
            right: Box::new(right),
            constraint: (kind != JoinKind::Cross).then_some(constraint),
            alias: None,
        })
    }

    fn factor(&mut self, f: &'q TableFactor) -> R<FromTree<'q>> {
        match f {
            TableFactor::Table {
                name,
                alias,
                args,
                with_hints,
                version,
                with_ordinality,
                partitions,
                json_path,
                sample,
                index_hints,
            } => {
                if args.is_some()
                    || !with_hints.is_empty()
                    || version.is_some()
                    || *with_ordinality
                    || !partitions.is_empty()
                    || json_path.is_some()
                    || sample.is_some()
                    || !index_hints.is_empty()
                {
                    return err("a table function or table options in FROM");
                }
                let parts = name_parts(name)?;
                let alias_cols = match alias {
                    Some(a) => alias_columns(a)?,
                    None => Vec::new(),
                };
                let (candidate, src, base_cols) = match parts.as_slice() {
                    [n] if self.env.ctes.iter().any(|c| c.name == *n) => {
                        let Some(c) = self.env.ctes.iter().rev().find(|c| c.name == *n) else {
                            return err("CTE lookup");
                        };
                        if c.pending {
                            return err(format!(
                                "a recursive reference to {n} in its non-recursive term"
                            ));
                        }
                        (n.clone(), RteSrc::Cte(n.clone()), c.columns.clone())
                    }
                    [n] | [_, n] => {
                        let schema = if parts.len() == 2 {
                            Some(parts[0].as_str())
                        } else {
                            None
                        };
                        let Some(rel) = self.env.scope.relation(schema, n) else {
                            return err(format!("relation {} does not exist", parts.join(".")));
                        };
                        (
                            rel.name.clone(),
                            RteSrc::Relation {
                                schema: rel.schema.clone(),
                                name: rel.name.clone(),
                            },
                            rel.columns.clone(),
                        )
                    }
                    _ => return err("a relation name with more than two parts"),
                };
                let columns = rename(&base_cols, &alias_cols)?;
                let print_columns = columns.iter().zip(&base_cols).any(|(a, b)| a.0 != b.0);
                let candidate = match alias {
                    Some(a) => fold(&a.name),
                    None => candidate,
                };
                self.rtes.push(Rte {
                    candidate: Some(candidate),
                    src,
                    columns,
                    alias_given: alias.is_some(),
                    print_columns,
                });
                Ok(FromTree::Leaf(self.rtes.len() - 1))
            }
            TableFactor::Derived {
                lateral,
                subquery,
                alias,
                sample,
            } => {
                if *lateral || sample.is_some() {
                    return err("LATERAL or TABLESAMPLE");
                }
                let Some(alias) = alias else {
                    return err("subquery in FROM must have an alias");
                };
                let mut sub_env = self.env.child(None, &BTreeSet::new())?;
                sub_env.qualify = true;
                let sub = analyze_query(subquery, &sub_env, false, true)?;
                let alias_cols = alias_columns(alias)?;
                let columns = rename(&sub.columns, &alias_cols)?;
                let mut seen = BTreeSet::new();
                if columns.iter().any(|(n, _)| !seen.insert(n.clone())) {
                    return err("a subquery in FROM with duplicate column names");
                }
                self.rtes.push(Rte {
                    candidate: Some(fold(&alias.name)),
                    src: RteSrc::Subquery(subquery),
                    columns,
                    alias_given: true,
                    print_columns: !alias_cols.is_empty(),
                });
                Ok(FromTree::Leaf(self.rtes.len() - 1))
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                let tree = self.item(table_with_joins)?;
                match alias {
                    None => Ok(tree),
                    Some(a) => match tree {
                        FromTree::Join {
                            rte,
                            keyword,
                            kind,
                            left,
                            right,
                            constraint,
                            alias: None,
                        } => {
                            self.rtes[rte].candidate = Some(fold(&a.name));
                            self.rtes[rte].alias_given = true;
                            Ok(FromTree::Join {
                                rte,
                                keyword,
                                kind,
                                left,
                                right,
                                constraint,
                                alias: Some(a),
                            })
                        }
                        _ => err("an alias on a parenthesized FROM item"),
                    },
                }
            }
            _ => err("an unsupported FROM item"),
        }
    }
}

/// `set_rtable_names`: each entry's name, unique across this level and its parents.
fn assign_names(
    rtes: &[Rte<'_>],
    used: &BTreeSet<String>,
    extra: &BTreeSet<String>,
) -> R<Vec<Option<String>>> {
    let mut counters: BTreeMap<String, u32> = BTreeMap::new();
    for n in used.iter().chain(extra) {
        counters.entry(n.clone()).or_insert(0);
    }
    let mut out = Vec::new();
    for r in rtes {
        let Some(name) = &r.candidate else {
            out.push(None);
            continue;
        };
        if counters.contains_key(name) {
            let mut modname;
            loop {
                let c = counters.get_mut(name).map(|c| {
                    *c += 1;
                    *c
                });
                let Some(c) = c else {
                    return err("name assignment");
                };
                modname = format!("{name}_{c}");
                if modname.len() >= 64 {
                    return err("a range-table name too long to make unique");
                }
                if !counters.contains_key(&modname) {
                    break;
                }
            }
            counters.insert(modname.clone(), 0);
            out.push(Some(modname));
        } else {
            counters.insert(name.clone(), 0);
            out.push(Some(name.clone()));
        }
    }
    Ok(out)
}

struct Built {
    items: Vec<NsItem>,
    from: AFrom,
    /// The item's output columns (a join's: merged, left, right).
    columns: Vec<(String, QueryColumn)>,
}

struct NsBuilder<'a, 'q, 's> {
    env: &'a Env<'s>,
    rtes: &'a [Rte<'q>],
    names: &'a [Option<String>],
    level_names: &'a BTreeSet<String>,
}

impl NsBuilder<'_, '_, '_> {
    fn name(&self, rte: usize) -> R<String> {
        match self.names.get(rte) {
            Some(Some(n)) => Ok(n.clone()),
            _ => err("an unnamed range-table entry"),
        }
    }

    fn build(&self, t: &FromTree<'_>) -> R<Built> {
        match t {
            FromTree::Leaf(i) => {
                let r = &self.rtes[*i];
                let name = self.name(*i)?;
                let prefix = quote_ident(&name);
                let columns: Vec<(String, QueryColumn)> = r
                    .columns
                    .iter()
                    .map(|(n, ty)| {
                        (
                            n.clone(),
                            QueryColumn {
                                prefix: Some(prefix.clone()),
                                name: n.clone(),
                                ty: ty.clone(),
                            },
                        )
                    })
                    .collect();
                let col_list = r
                    .print_columns
                    .then(|| r.columns.iter().map(|(n, _)| n.clone()).collect());
                let from = match &r.src {
                    RteSrc::Relation { schema, name: rel } => AFrom::Relation {
                        name: format!("{}.{}", quote_ident(schema), quote_ident(rel)),
                        alias: (r.alias_given || name != *rel).then(|| name.clone()),
                        columns: col_list,
                    },
                    RteSrc::Cte(c) => AFrom::Cte {
                        name: c.clone(),
                        alias: (r.alias_given || name != *c).then(|| name.clone()),
                        columns: col_list,
                    },
                    RteSrc::Subquery(q) => {
                        let mut env = self.env.child(None, self.level_names)?;
                        env.qualify = true;
                        let sub = analyze_query(q, &env, false, true)?;
                        AFrom::Subquery {
                            query: Box::new(sub),
                            alias: name.clone(),
                            columns: col_list,
                        }
                    }
                    RteSrc::Join => return err("a join as a leaf"),
                };
                let item = NsItem {
                    refname: r.candidate.clone(),
                    rel_visible: true,
                    cols_visible: true,
                    columns: columns.clone(),
                };
                Ok(Built {
                    items: vec![item],
                    from,
                    columns,
                })
            }
            FromTree::Join {
                rte,
                keyword,
                kind,
                left,
                right,
                constraint,
                alias,
            } => {
                let l = self.build(left)?;
                let r = self.build(right)?;
                let mut using: Vec<String> = Vec::new();
                let mut cond = JoinCond::None;
                match constraint {
                    None => {}
                    Some(JoinConstraint::Using(names)) => {
                        for n in names {
                            let parts = name_parts(n)?;
                            let [p] = parts.as_slice() else {
                                return err("a qualified USING column");
                            };
                            if using.contains(p) {
                                return err("a USING column named twice");
                            }
                            using.push(p.clone());
                        }
                    }
                    Some(JoinConstraint::Natural) => {
                        for (n, _) in &l.columns {
                            if r.columns.iter().any(|(m, _)| m == n) && !using.contains(n) {
                                using.push(n.clone());
                            }
                        }
                        if using.is_empty() {
                            return err("NATURAL JOIN without common columns");
                        }
                    }
                    Some(JoinConstraint::On(e)) => {
                        let mut items = l.items.clone();
                        items.extend(r.items.iter().cloned());
                        let hooks = Hooks {
                            env: self.env,
                            level: Rc::new(Level { items }),
                            names: self.level_names,
                            rtable: true,
                        };
                        let x = analyze_query_expr(e, self.env.scope, &hooks)?.condition()?;
                        cond = JoinCond::On(Box::new(x));
                    }
                    Some(JoinConstraint::None) => {}
                }
                let mut columns = Vec::new();
                for u in &using {
                    let find = |cols: &[(String, QueryColumn)]| -> R<QueryColumn> {
                        let m: Vec<&QueryColumn> = cols
                            .iter()
                            .filter(|(n, _)| n == u)
                            .map(|(_, c)| c)
                            .collect();
                        match m.as_slice() {
                            [c] => Ok((*c).clone()),
                            [] => err(format!("column {u} specified in USING does not exist")),
                            _ => err(format!("common column name {u} appears more than once")),
                        }
                    };
                    let lc = find(&l.columns)?;
                    let rc = find(&r.columns)?;
                    if lc.ty != rc.ty {
                        return err("JOIN USING columns of different types");
                    }
                    let merged = match kind {
                        JoinKind::Inner | JoinKind::Left | JoinKind::Cross => lc,
                        JoinKind::Right => rc,
                        JoinKind::Full => QueryColumn {
                            prefix: None,
                            name: u.clone(),
                            ty: lc.ty,
                        },
                    };
                    columns.push((u.clone(), merged));
                }
                for (n, c) in l.columns.iter().chain(&r.columns) {
                    if !using.contains(n) {
                        columns.push((n.clone(), c.clone()));
                    }
                }
                if !using.is_empty() {
                    cond = JoinCond::Using(using);
                }
                let (items, alias_out, columns) = match alias {
                    None => {
                        let mut items: Vec<NsItem> = l
                            .items
                            .into_iter()
                            .chain(r.items)
                            .map(|mut i| {
                                i.cols_visible = false;
                                i
                            })
                            .collect();
                        items.push(NsItem {
                            refname: None,
                            rel_visible: false,
                            cols_visible: true,
                            columns: columns.clone(),
                        });
                        (items, None, columns)
                    }
                    Some(a) => {
                        let final_name = self.name(*rte)?;
                        let alias_cols = alias_columns(a)?;
                        if alias_cols.len() > columns.len() {
                            return err("more column aliases than join columns");
                        }
                        let prefix = quote_ident(&final_name);
                        let mut seen = BTreeSet::new();
                        let mut out = Vec::new();
                        for (i, (n, c)) in columns.iter().enumerate() {
                            let n = alias_cols.get(i).cloned().unwrap_or_else(|| n.clone());
                            if !seen.insert(n.clone()) {
                                return err("an aliased join with duplicate column names");
                            }
                            out.push((
                                n.clone(),
                                QueryColumn {
                                    prefix: Some(prefix.clone()),
                                    name: n,
                                    ty: c.ty.clone(),
                                },
                            ));
                        }
                        let item = NsItem {
                            refname: Some(fold(&a.name)),
                            rel_visible: true,
                            cols_visible: true,
                            columns: out.clone(),
                        };
                        let printed_cols = (!alias_cols.is_empty())
                            .then(|| out.iter().map(|(n, _)| n.clone()).collect());
                        (vec![item], Some((final_name, printed_cols)), out)
                    }
                };
                Ok(Built {
                    items,
                    from: AFrom::Join {
                        keyword,
                        left: Box::new(l.from),
                        right: Box::new(r.from),
                        cond,
                        alias: alias_out,
                    },
                    columns,
                })
            }
        }
    }
}

// SELECT -------------------------------------------------------------------------------------

fn wildcard_plain(o: &WildcardAdditionalOptions) -> bool {
    o.opt_ilike.is_none()
        && o.opt_exclude.is_none()
        && o.opt_except.is_none()
        && o.opt_replace.is_none()
        && o.opt_rename.is_none()
        && o.opt_alias.is_none()
}

type SelectResult = (
    ASelect,
    Vec<AOrder>,
    Vec<(String, ResolvedType)>,
    BTreeSet<String>,
);

fn analyze_select(
    s: &Select,
    order_by: &[OrderByExpr],
    env: &Env<'_>,
    extra: &BTreeSet<String>,
    resolve_unknowns: bool,
) -> R<SelectResult> {
    if !s.optimizer_hints.is_empty()
        || s.select_modifiers.is_some()
        || s.top.is_some()
        || s.exclude.is_some()
        || s.into.is_some()
        || !s.lateral_views.is_empty()
        || s.prewhere.is_some()
        || !s.connect_by.is_empty()
        || !s.cluster_by.is_empty()
        || !s.distribute_by.is_empty()
        || !s.sort_by.is_empty()
        || !s.named_window.is_empty()
        || s.qualify.is_some()
        || s.value_table_mode.is_some()
        || !matches!(s.flavor, SelectFlavor::Standard)
    {
        return err("a SELECT clause not supported in views");
    }
    // FROM: range-table entries, then names, then the namespace.
    let mut fb = FromBuilder {
        env,
        rtes: Vec::new(),
    };
    let mut trees = Vec::new();
    for t in &s.from {
        trees.push(fb.item(t)?);
    }
    let rtes = fb.rtes;
    let names = assign_names(&rtes, &env.used, extra)?;
    let mut level_names: BTreeSet<String> = extra.clone();
    level_names.extend(names.iter().flatten().cloned());
    let nb = NsBuilder {
        env,
        rtes: &rtes,
        names: &names,
        level_names: &level_names,
    };
    let mut items = Vec::new();
    let mut from = Vec::new();
    for t in &trees {
        let b = nb.build(t)?;
        items.extend(b.items);
        from.push(b.from);
    }
    let mut seen = BTreeSet::new();
    for i in &items {
        if i.rel_visible
            && let Some(n) = &i.refname
            && !seen.insert(n.clone())
        {
            return err(format!("table name {n} specified more than once"));
        }
    }
    let level = Rc::new(Level { items });
    let hooks = Hooks {
        env,
        level: level.clone(),
        names: &level_names,
        rtable: !s.from.is_empty(),
    };
    let analyze = |e: &Expr| analyze_query_expr(e, env.scope, &hooks);
    let analyze_target = |e: &Expr| analyze_query_target(e, env.scope, &hooks);
    // Target list.
    let mut targets = Vec::new();
    for item in &s.projection {
        match item {
            SelectItem::UnnamedExpr(e) => {
                let x = analyze_target(e)?;
                let name = match x.var_name() {
                    Some(n) if matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_)) => {
                        n.to_owned()
                    }
                    _ => figure_colname(e)?.0,
                };
                targets.push(Tle { expr: x, name });
            }
            SelectItem::ExprWithAlias { expr, alias } => {
                targets.push(Tle {
                    expr: analyze_target(expr)?,
                    name: fold(alias),
                });
            }
            SelectItem::Wildcard(o) => {
                if !wildcard_plain(o) {
                    return err("* with options");
                }
                let mut any = false;
                for i in level.items.iter().filter(|i| i.cols_visible) {
                    any = true;
                    for (n, c) in &i.columns {
                        targets.push(Tle {
                            expr: QueryExpr::var(c)?,
                            name: n.clone(),
                        });
                    }
                }
                if !any {
                    return err("SELECT * with no tables");
                }
            }
            SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::ObjectName(n), o) => {
                if !wildcard_plain(o) {
                    return err("t.* with options");
                }
                let parts = name_parts(n)?;
                let [q] = parts.as_slice() else {
                    return err("a schema-qualified t.*");
                };
                let items: Vec<&NsItem> = level
                    .items
                    .iter()
                    .filter(|i| i.rel_visible && i.refname.as_deref() == Some(q.as_str()))
                    .collect();
                let [item] = items.as_slice() else {
                    return err(format!("{q}.* does not name one FROM item"));
                };
                for (n, c) in &item.columns {
                    targets.push(Tle {
                        expr: QueryExpr::var(c)?,
                        name: n.clone(),
                    });
                }
            }
            _ => return err("an unsupported select item"),
        }
    }
    if resolve_unknowns {
        let text = ResolvedType::builtin("text");
        for t in targets.iter_mut() {
            if t.expr.is_unknown() {
                t.expr = t.expr.clone().coerce_to(&text)?;
            }
        }
    }
    let filter = match &s.selection {
        Some(e) => Some(analyze(e)?.condition()?),
        None => None,
    };
    // GROUP BY: an input column first, then an output column, a position, an expression.
    let mut group = Vec::new();
    match &s.group_by {
        GroupByExpr::Expressions(exprs, modifiers) => {
            if !modifiers.is_empty() {
                return err("GROUP BY with modifiers");
            }
            for e in exprs {
                let x = match e {
                    Expr::Identifier(id) => {
                        let n = fold(id);
                        match lookup(&level, None, &n)? {
                            Some(c) => QueryExpr::var(&c)?,
                            None => match output_by_name(&targets, &n)? {
                                Some(x) => x,
                                None => analyze(e)?,
                            },
                        }
                    }
                    _ => match position(e, &targets)? {
                        Some(x) => x,
                        None => analyze(e)?,
                    },
                };
                push_unique(&mut group, x)?;
            }
        }
        GroupByExpr::All(_) => return err("GROUP BY ALL"),
    }
    let having = match &s.having {
        Some(e) => Some(analyze(e)?.condition()?),
        None => None,
    };
    // ORDER BY and DISTINCT ON: an output column first, then a position, an expression.
    let sort_expr = |e: &Expr| -> R<QueryExpr> {
        if let Expr::Identifier(id) = e
            && let Some(x) = output_by_name(&targets, &fold(id))?
        {
            return Ok(x);
        }
        if let Some(x) = position(e, &targets)? {
            return Ok(x);
        }
        let x = analyze(e)?;
        if x.is_unknown() {
            return x.coerce_to(&ResolvedType::builtin("text"));
        }
        Ok(x)
    };
    let mut order = Vec::new();
    let mut order_ids = Vec::new();
    for o in order_by {
        let (desc, nulls_first) = sort_direction(o)?;
        let x = sort_expr(&o.expr)?;
        if !x.orderable() {
            return err("ORDER BY a type without ordering");
        }
        let id = x.identity()?;
        if order_ids.contains(&id) {
            continue;
        }
        order_ids.push(id);
        order.push(AOrder {
            key: OrderKey::Expr(Box::new(x)),
            desc,
            nulls_first,
        });
    }
    let distinct = match &s.distinct {
        None | Some(Distinct::All) => None,
        Some(Distinct::Distinct) => Some(Vec::new()),
        Some(Distinct::On(exprs)) => {
            let mut v = Vec::new();
            for e in exprs {
                push_unique(&mut v, sort_expr(e)?)?;
            }
            if v.is_empty() {
                return err("DISTINCT ON ()");
            }
            Some(v)
        }
    };
    let columns = targets
        .iter()
        .map(|t| (t.name.clone(), t.expr.ty()))
        .collect();
    Ok((
        ASelect {
            distinct,
            targets,
            from,
            filter,
            group,
            having,
        },
        order,
        columns,
        level_names,
    ))
}

/// Adds a GROUP BY / DISTINCT ON item unless an equal one is there already.
fn push_unique(items: &mut Vec<QueryExpr>, x: QueryExpr) -> R<()> {
    let id = x.identity()?;
    for i in items.iter() {
        if i.identity()? == id {
            return Ok(());
        }
    }
    items.push(x);
    Ok(())
}

fn output_by_name(targets: &[Tle], name: &str) -> R<Option<QueryExpr>> {
    let m: Vec<&Tle> = targets.iter().filter(|t| t.name == name).collect();
    match m.as_slice() {
        [] => Ok(None),
        [t] => Ok(Some(t.expr.clone())),
        _ => err(format!("output column name {name} is ambiguous")),
    }
}

fn position(e: &Expr, targets: &[Tle]) -> R<Option<QueryExpr>> {
    if let Expr::Value(v) = e
        && let Value::Number(n, false) = &v.value
    {
        let Some(t) = n
            .parse::<usize>()
            .ok()
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| targets.get(i))
        else {
            return err(format!("position {n} is not in the select list"));
        };
        return Ok(Some(t.expr.clone()));
    }
    Ok(None)
}

/// `FigureColname`: the output name PostgreSQL gives an unnamed expression, and how strongly.
fn figure_colname(e: &Expr) -> R<(String, u8)> {
    Ok(match e {
        Expr::Identifier(id) => (fold(id), 2),
        Expr::CompoundIdentifier(parts) => match parts.last() {
            Some(p) => (fold(p), 2),
            None => ("?column?".into(), 0),
        },
        Expr::Nested(x) => return figure_colname(x),
        Expr::Function(f) => {
            let parts = name_parts(&f.name)?;
            match parts.last() {
                Some(n) if matches!(f.args, FunctionArguments::None) => (n.clone(), 2),
                Some(n) => (n.clone(), 2),
                None => ("?column?".into(), 0),
            }
        }
        Expr::Cast {
            expr, data_type, ..
        } => {
            let (n, s) = figure_colname(expr)?;
            if s <= 1 {
                (internal_type_name(data_type)?, 1)
            } else {
                (n, s)
            }
        }
        Expr::TypedString(ts) => (internal_type_name(&ts.data_type)?, 1),
        Expr::Interval(_) => ("interval".into(), 1),
        Expr::Case { else_result, .. } => {
            let (n, s) = match else_result {
                Some(x) => figure_colname(x)?,
                None => (String::new(), 0),
            };
            if s <= 1 { ("case".into(), 1) } else { (n, s) }
        }
        Expr::Array(_) => ("array".into(), 1),
        Expr::Exists { negated: false, .. } => ("exists".into(), 2),
        Expr::Subquery(q) => (first_output_name(q)?, 2),
        Expr::Extract { .. } => ("extract".into(), 2),
        Expr::Position { .. } => ("position".into(), 2),
        Expr::Substring { shorthand, .. } => {
            (if *shorthand { "substr" } else { "substring" }.into(), 2)
        }
        Expr::Trim { trim_where, .. } => (
            match trim_where {
                Some(TrimWhereField::Leading) => "ltrim",
                Some(TrimWhereField::Trailing) => "rtrim",
                _ => "btrim",
            }
            .into(),
            2,
        ),
        Expr::Ceil { .. } => ("ceil".into(), 2),
        Expr::Floor { .. } => ("floor".into(), 2),
        _ => ("?column?".into(), 0),
    })
}

/// The name of a subquery's first output column.
fn first_output_name(q: &Query) -> R<String> {
    let mut body = q.body.as_ref();
    loop {
        match body {
            SetExpr::SetOperation { left, .. } => body = left,
            SetExpr::Query(q) => body = q.body.as_ref(),
            SetExpr::Select(s) => {
                return match s.projection.first() {
                    Some(SelectItem::ExprWithAlias { alias, .. }) => Ok(fold(alias)),
                    Some(SelectItem::UnnamedExpr(e)) => Ok(figure_colname(e)?.0),
                    _ => err("a scalar subquery whose column name is not known"),
                };
            }
            SetExpr::Values(_) => return Ok("column1".into()),
            _ => return err("a scalar subquery whose column name is not known"),
        }
    }
}

/// The last part of a type name as the grammar stores it (`int` -> `int4`).
fn internal_type_name(dt: &DataType) -> R<String> {
    if let DataType::Custom(name, _) = dt {
        return match name.0.last().and_then(|p| p.as_ident()) {
            Some(i) => Ok(fold(i)),
            None => err("an unsupported type name"),
        };
    }
    if let DataType::Array(_) = dt {
        return err("an array type's column name");
    }
    let text = dt.to_string().to_ascii_lowercase();
    let base = match text.find('(') {
        Some(i) => {
            let close = text.rfind(')').unwrap_or(text.len() - 1);
            format!("{}{}", &text[..i], &text[close + 1..])
        }
        None => text,
    };
    let base = base.trim();
    Ok(match base {
        "int" | "integer" | "int4" => "int4",
        "smallint" | "int2" => "int2",
        "bigint" | "int8" => "int8",
        "real" | "float4" => "float4",
        "double precision" | "float8" | "float" => "float8",
        "boolean" | "bool" => "bool",
        "varchar" | "character varying" => "varchar",
        "char" | "character" => "bpchar",
        "numeric" | "decimal" | "dec" => "numeric",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "timestamptz" | "timestamp with time zone" => "timestamptz",
        "time" | "time without time zone" => "time",
        "timetz" | "time with time zone" => "timetz",
        "text" | "date" | "interval" | "uuid" | "json" | "jsonb" | "bytea" | "inet" | "cidr"
        | "money" => base,
        _ => return err(format!("the column name of a cast to {base}")),
    }
    .to_owned())
}

// ---------------------------------------------------------------------------------------------
// Printing

struct Out {
    buf: String,
    indent: i32,
}

impl Out {
    fn new(indent: i32) -> Out {
        Out {
            buf: String::new(),
            indent,
        }
    }

    fn trim_spaces(&mut self) {
        while self.buf.ends_with(' ') {
            self.buf.pop();
        }
    }

    /// `appendContextKeyword`.
    fn keyword(&mut self, s: &str, before: i32, after: i32, plus: i32) {
        self.indent += before;
        self.trim_spaces();
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

    fn push(&mut self, s: &str) {
        self.buf.push_str(s);
    }

    /// Text that may start with a keyword on a new line (a CASE): trailing spaces go first.
    fn push_expr(&mut self, s: &str) {
        if s.starts_with('\n') {
            self.trim_spaces();
        }
        self.buf.push_str(s);
    }
}

/// `get_query_def` at indentation level `indent`; `names` the view's column names (its tuple
/// descriptor), `visible` whether output names must show (`colNamesVisible`).
fn print_query(q: &AQuery, indent: i32, names: Option<&[String]>, visible: bool) -> R<String> {
    let mut out = Out::new(indent);
    if !q.ctes.is_empty() {
        out.indent += INDENT_STD;
        out.push(" ");
        for (i, c) in q.ctes.iter().enumerate() {
            out.push(match (i, q.recursive) {
                (0, false) => "WITH ",
                (0, true) => "WITH RECURSIVE ",
                _ => ", ",
            });
            out.push(&quote_ident(&c.name));
            if !c.alias_columns.is_empty() {
                out.push("(");
                out.push(&join_idents(&c.alias_columns));
                out.push(")");
            }
            out.push(" AS ");
            match c.materialized {
                None => {}
                Some(true) => out.push("MATERIALIZED "),
                Some(false) => out.push("NOT MATERIALIZED "),
            }
            out.push("(");
            out.keyword("", 0, 0, 0);
            let text = print_query(&c.query, out.indent, None, true)?;
            out.push(&text);
            out.keyword("", 0, 0, 0);
            out.push(")");
        }
        out.indent -= INDENT_STD;
        out.keyword("", 0, 0, 0);
    }
    match &q.body {
        ABody::Select(s) => print_select(&mut out, s, names, visible)?,
        ABody::Values(rows) => {
            if let Some(n) = names
                && n.iter()
                    .enumerate()
                    .any(|(i, n)| *n != format!("column{}", i + 1))
            {
                return err("VALUES with renamed columns");
            }
            out.indent += INDENT_STD;
            out.push(" VALUES ");
            for (i, r) in rows.iter().enumerate() {
                if i > 0 {
                    out.push(", ");
                }
                out.push("(");
                for (j, x) in r.iter().enumerate() {
                    if j > 0 {
                        out.push(",");
                    }
                    let t = x.print(out.indent, false)?;
                    out.push_expr(&t);
                }
                out.push(")");
            }
        }
        ABody::SetOp(op) => print_setop(&mut out, op, names, visible)?,
    }
    if !q.order.is_empty() {
        out.keyword(" ORDER BY ", -INDENT_STD, INDENT_STD, 1);
        for (i, o) in q.order.iter().enumerate() {
            if i > 0 {
                out.push(", ");
            }
            match &o.key {
                OrderKey::Expr(x) => {
                    let t = x.print_sortgroup(out.indent)?;
                    out.push_expr(&t);
                }
                OrderKey::Column(c) => out.push(&(c + 1).to_string()),
            }
            out.push(sort_suffix(o.desc, o.nulls_first));
        }
    }
    if let Some(o) = &q.offset {
        out.keyword(" OFFSET ", -INDENT_STD, INDENT_STD, 0);
        let t = o.print(out.indent, false)?;
        out.push_expr(&t);
    }
    match &q.limit {
        None => {}
        Some(ALimit::Count(x)) => {
            out.keyword(" LIMIT ", -INDENT_STD, INDENT_STD, 0);
            if x.is_null_const() {
                out.push("ALL");
            } else {
                let t = x.print(out.indent, false)?;
                out.push_expr(&t);
            }
        }
        Some(ALimit::WithTies(x)) => {
            out.keyword(" FETCH FIRST ", -INDENT_STD, INDENT_STD, 0);
            let t = x.print(out.indent, false)?;
            out.push("(");
            out.push_expr(&t);
            out.push(") ROWS WITH TIES");
        }
    }
    Ok(out.buf)
}

fn join_idents(names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote_ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `get_setop_query`.
fn print_setop(out: &mut Out, op: &ASetOp, names: Option<&[String]>, visible: bool) -> R<()> {
    let need_paren = match &op.left {
        SetNode::Op(l) => !(l.op == op.op && l.all == op.all),
        SetNode::Leaf(_) => false,
    };
    let subindent = if need_paren {
        out.push("(");
        out.keyword("", INDENT_STD, 0, 0);
        INDENT_STD
    } else {
        0
    };
    print_setnode(out, &op.left, names, visible)?;
    if need_paren {
        out.keyword(") ", -subindent, 0, 0);
    } else {
        out.keyword("", -subindent, 0, 0);
    }
    out.push(op.op);
    out.push(" ");
    if op.all {
        out.push("ALL ");
    }
    let need_paren = matches!(op.right, SetNode::Op(_));
    let subindent = if need_paren {
        out.push("(");
        INDENT_STD
    } else {
        0
    };
    out.keyword("", subindent, 0, 0);
    print_setnode(out, &op.right, names, false)?;
    out.indent -= subindent;
    if need_paren {
        out.keyword(")", 0, 0, 0);
    }
    Ok(())
}

fn print_setnode(out: &mut Out, n: &SetNode, names: Option<&[String]>, visible: bool) -> R<()> {
    match n {
        SetNode::Leaf(q) => {
            let paren = q.needs_parens_in_setop();
            if paren {
                out.push("(");
            }
            let text = print_query(q, out.indent, names, visible)?;
            out.push(&text);
            if paren {
                out.push(")");
            }
            Ok(())
        }
        SetNode::Op(o) => print_setop(out, o, names, visible),
    }
}

/// `get_target_list`.
fn print_targets(out: &mut Out, targets: &[Tle], names: Option<&[String]>, visible: bool) -> R<()> {
    let mut sep = " ";
    let mut last_multiline = false;
    for (i, t) in targets.iter().enumerate() {
        out.push(sep);
        sep = ", ";
        let mut text = t.expr.print(out.indent, true)?;
        let colname = names.and_then(|n| n.get(i)).unwrap_or(&t.name);
        let attname = match t.expr.var_name() {
            Some(n) => Some(n),
            None if visible => None,
            None => Some("?column?"),
        };
        if attname != Some(colname.as_str()) {
            text.push_str(" AS ");
            text.push_str(&quote_ident(colname));
        }
        let leading_nl = text.starts_with('\n');
        if leading_nl {
            out.trim_spaces();
        } else if i > 0 {
            out.keyword("", -INDENT_STD, INDENT_STD, INDENT_VAR);
        }
        let rest = if leading_nl { &text[1..] } else { &text[..] };
        let _ = last_multiline;
        last_multiline = rest.contains('\n');
        out.push(&text);
    }
    let _ = last_multiline;
    Ok(())
}

/// `get_basic_select_query` (the part before ORDER BY).
fn print_select(out: &mut Out, s: &ASelect, names: Option<&[String]>, visible: bool) -> R<()> {
    out.indent += INDENT_STD;
    out.push(" SELECT");
    if let Some(on) = &s.distinct {
        if on.is_empty() {
            out.push(" DISTINCT");
        } else {
            out.push(" DISTINCT ON (");
            for (i, x) in on.iter().enumerate() {
                if i > 0 {
                    out.push(", ");
                }
                let t = x.print_sortgroup(out.indent)?;
                out.push_expr(&t);
            }
            out.push(")");
        }
    }
    print_targets(out, &s.targets, names, visible)?;
    // get_from_clause
    for (i, f) in s.from.iter().enumerate() {
        if i == 0 {
            out.keyword(" FROM ", -INDENT_STD, INDENT_STD, 2);
            print_from_item(out, f)?;
        } else {
            out.push(", ");
            let mut item = Out::new(out.indent);
            print_from_item(&mut item, f)?;
            if item.buf.starts_with('\n') {
                out.trim_spaces();
            } else {
                out.keyword("", -INDENT_STD, INDENT_STD, INDENT_VAR);
            }
            out.push(&item.buf);
            out.indent = item.indent;
        }
    }
    if let Some(w) = &s.filter {
        out.keyword(" WHERE ", -INDENT_STD, INDENT_STD, 1);
        let t = w.print(out.indent, false)?;
        out.push_expr(&t);
    }
    if !s.group.is_empty() {
        out.keyword(" GROUP BY ", -INDENT_STD, INDENT_STD, 1);
        for (i, g) in s.group.iter().enumerate() {
            if i > 0 {
                out.push(", ");
            }
            let t = g.print_sortgroup(out.indent)?;
            out.push_expr(&t);
        }
    }
    if let Some(h) = &s.having {
        out.keyword(" HAVING ", -INDENT_STD, INDENT_STD, 0);
        let t = h.print(out.indent, false)?;
        out.push_expr(&t);
    }
    Ok(())
}

fn alias_list(out: &mut Out, cols: &Option<Vec<String>>) {
    if let Some(c) = cols {
        out.push("(");
        out.push(&join_idents(c));
        out.push(")");
    }
}

/// `get_from_clause_item`.
fn print_from_item(out: &mut Out, f: &AFrom) -> R<()> {
    match f {
        AFrom::Relation {
            name,
            alias,
            columns,
        } => {
            out.push(name);
            if let Some(a) = alias {
                out.push(" ");
                out.push(&quote_ident(a));
            }
            alias_list(out, columns);
        }
        AFrom::Cte {
            name,
            alias,
            columns,
        } => {
            out.push(&quote_ident(name));
            if let Some(a) = alias {
                out.push(" ");
                out.push(&quote_ident(a));
            }
            alias_list(out, columns);
        }
        AFrom::Subquery {
            query,
            alias,
            columns,
        } => {
            out.push("(");
            let text = print_query(query, out.indent, None, true)?;
            out.push(&text);
            out.push(") ");
            out.push(&quote_ident(alias));
            alias_list(out, columns);
        }
        AFrom::Join {
            keyword,
            left,
            right,
            cond,
            alias,
        } => {
            out.push("(");
            print_from_item(out, left)?;
            out.keyword(keyword, -INDENT_STD, INDENT_STD, INDENT_JOIN);
            print_from_item(out, right)?;
            match cond {
                JoinCond::Using(names) => {
                    out.push(" USING (");
                    out.push(&join_idents(names));
                    out.push(")");
                }
                JoinCond::On(x) => {
                    out.push(" ON (");
                    let t = x.print(out.indent, false)?;
                    out.push_expr(&t);
                    out.push(")");
                }
                JoinCond::None => {}
            }
            out.push(")");
            if let Some((a, cols)) = alias {
                out.push(" ");
                out.push(&quote_ident(a));
                alias_list(out, cols);
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// SQL-standard function bodies

/// A function parameter visible in an SQL-standard body: its name (folded; None when unnamed)
/// and type.
#[derive(Clone, Debug)]
pub struct Parameter {
    pub name: Option<String>,
    pub data_type: ResolvedType,
}

#[derive(Debug)]
struct Params {
    function: String,
    list: Vec<Parameter>,
    /// Whether any parameter has a name: the server then prints an unnamed one as `""`.
    named: bool,
}

impl Params {
    /// How parameter `i` (0-based) prints (`get_parameter`).
    fn text(&self, i: usize, qualify: bool) -> R<(String, ResolvedType)> {
        let Some(p) = self.list.get(i) else {
            return err(format!("there is no parameter ${}", i + 1));
        };
        let text = if self.named {
            let name = quote_ident(p.name.as_deref().unwrap_or(""));
            if qualify {
                format!("{}.{name}", quote_ident(&self.function))
            } else {
                name
            }
        } else {
            format!("${}", i + 1)
        };
        Ok((text, p.data_type.clone()))
    }
}

impl Hooks<'_, '_> {
    fn qualify_params(&self) -> bool {
        self.env.qualify || self.rtable
    }
}

/// An SQL-standard function body (`RETURN expr`, or `BEGIN ATOMIC stmt; ... END`) as
/// PostgreSQL 15's `pg_get_function_sqlbody` prints it. `text` is the body as written, starting
/// at RETURN or BEGIN.
///
/// `function_name` is the function's own name (folded, without schema): `get_parameter`
/// prints a parameter as `function.parameter` wherever a range table is in scope, and
/// `function.parameter` is how the body may name one. `parameters` are the function's input
/// parameters in order (`$1` is the first); a function whose OUT parameters come before an
/// input one is printed by the server with names shifted, so callers refuse those.
///
/// Statements: SELECT (what [`canonicalize_view`] supports), INSERT ... VALUES / SELECT /
/// DEFAULT VALUES, UPDATE ... SET ... WHERE, DELETE ... WHERE, each with RETURNING, and
/// `RETURN expr;`. A `RETURN` expression that prints on several lines (CASE) or holds a
/// subquery is refused (how its indentation prints is not reproduced).
pub fn canonicalize_sql_body(
    function_name: &str,
    text: &str,
    parameters: &[Parameter],
    scope: &dyn QueryScope,
) -> Result<String, ExprError> {
    let parse_err = |e: ParserError| ExprError {
        message: format!("the function body does not parse: {e}"),
    };
    let params = Rc::new(Params {
        function: function_name.to_owned(),
        list: parameters.to_vec(),
        named: parameters.iter().any(|p| p.name.is_some()),
    });
    let env = Env {
        scope,
        outer: Vec::new(),
        used: BTreeSet::new(),
        ctes: Vec::new(),
        depth: 0,
        params: Some(params),
        qualify: false,
    };
    let mut parser = Parser::new(&RetortDialect)
        .try_with_sql(text)
        .map_err(parse_err)?;
    if parser.parse_keyword(Keyword::RETURN) {
        let e = parser.parse_expr().map_err(parse_err)?;
        end_of_body(&mut parser)?;
        return print_return(&e, &env);
    }
    parser
        .expect_keywords(&[Keyword::BEGIN, Keyword::ATOMIC])
        .map_err(parse_err)?;
    let mut out = String::from("BEGIN ATOMIC\n");
    loop {
        if parser.consume_token(&Token::SemiColon) {
            continue;
        }
        if parser.parse_keyword(Keyword::END) {
            break;
        }
        let stmt = parser.parse_statement().map_err(parse_err)?;
        parser.expect_token(&Token::SemiColon).map_err(parse_err)?;
        out.push_str(&body_statement(&stmt, &env)?);
        out.push_str(";\n");
    }
    end_of_body(&mut parser)?;
    out.push_str("END");
    Ok(out)
}

fn end_of_body(parser: &mut Parser<'_>) -> R<()> {
    let _ = parser.consume_token(&Token::SemiColon);
    match parser.peek_token().token {
        Token::EOF => Ok(()),
        t => err(format!("text after the function body: {t}")),
    }
}

/// Hooks for a `RETURN` expression, which the server prints without indentation: subqueries
/// are refused.
struct ReturnHooks<'a, 'b, 's>(&'a Hooks<'b, 's>);

impl QueryHooks for ReturnHooks<'_, '_, '_> {
    fn column(&self, qualifier: Option<&str>, name: &str) -> R<QueryColumn> {
        self.0.column(qualifier, name)
    }

    fn subquery(&self, _query: &Query) -> R<Subquery> {
        err("a subquery in a RETURN body (printed without pretty indentation)")
    }

    fn parameter(&self, qualifier: Option<&str>, name: &str) -> R<Option<(String, ResolvedType)>> {
        self.0.parameter(qualifier, name)
    }

    fn parameter_number(&self, number: usize) -> R<(String, ResolvedType)> {
        self.0.parameter_number(number)
    }
}

fn print_return(e: &Expr, env: &Env<'_>) -> R<String> {
    let names = BTreeSet::new();
    let hooks = Hooks {
        env,
        level: Rc::new(Level::default()),
        names: &names,
        rtable: false,
    };
    let mut x = analyze_query_expr(e, env.scope, &ReturnHooks(&hooks))?;
    if x.is_unknown() {
        x = x.coerce_to(&ResolvedType::builtin("text"))?;
    }
    let text = x.print(0, false)?;
    if text.contains('\n') {
        return err("a RETURN expression printed on several lines (CASE)");
    }
    Ok(format!("RETURN {text}"))
}

fn body_statement(stmt: &Statement, env: &Env<'_>) -> R<String> {
    match stmt {
        Statement::Query(q) => {
            let a = analyze_query(q, env, false, true)?;
            print_query(&a, 1, None, false)
        }
        Statement::Insert(i) => print_insert(i, env),
        Statement::Update(u) => print_update(u, env),
        Statement::Delete(d) => print_delete(d, env),
        Statement::Return(ReturnStatement {
            value: Some(ReturnStatementValue::Expr(e)),
        }) => Ok(format!(" {}", print_return(e, env)?)),
        _ => err("a statement not supported in a function body"),
    }
}

/// The target relation of INSERT, UPDATE or DELETE: its columns, printed name and range-table
/// name (alias, else the relation's name).
struct Target {
    rel: RelationColumns,
    printed: String,
    alias: Option<String>,
    refname: String,
}

fn target(name: &ObjectName, alias: Option<&Ident>, env: &Env<'_>) -> R<Target> {
    let parts = name_parts(name)?;
    let (schema, n) = match parts.as_slice() {
        [n] => (None, n),
        [s, n] => (Some(s.as_str()), n),
        _ => return err("a relation name with more than two parts"),
    };
    let Some(rel) = env.scope.relation(schema, n) else {
        return err(format!("relation {} does not exist", parts.join(".")));
    };
    let printed = format!("{}.{}", quote_ident(&rel.schema), quote_ident(&rel.name));
    let alias = alias.map(fold);
    let refname = alias.clone().unwrap_or_else(|| rel.name.clone());
    Ok(Target {
        rel,
        printed,
        alias,
        refname,
    })
}

impl Target {
    fn level(&self) -> Level {
        let prefix = quote_ident(&self.refname);
        Level {
            items: vec![NsItem {
                refname: Some(self.refname.clone()),
                rel_visible: true,
                cols_visible: true,
                columns: self
                    .rel
                    .columns
                    .iter()
                    .map(|(n, ty)| {
                        (
                            n.clone(),
                            QueryColumn {
                                prefix: Some(prefix.clone()),
                                name: n.clone(),
                                ty: ty.clone(),
                            },
                        )
                    })
                    .collect(),
            }],
        }
    }

    fn column_type(&self, name: &str) -> R<ResolvedType> {
        match self.rel.columns.iter().find(|(n, _)| n == name) {
            Some((_, t)) => Ok(t.clone()),
            None => err(format!(
                "column {name} of relation {} does not exist",
                self.rel.name
            )),
        }
    }
}

/// `DEFAULT` written as a value (not reproduced).
fn is_default_keyword(e: &Expr) -> bool {
    matches!(e, Expr::Identifier(i) if i.quote_style.is_none() && i.value.eq_ignore_ascii_case("default"))
}

/// An assigned value (INSERT VALUES, UPDATE SET) coerced to its column's type.
fn assigned(e: &Expr, ty: &ResolvedType, hooks: &Hooks<'_, '_>) -> R<QueryExpr> {
    if is_default_keyword(e) {
        return err("DEFAULT as a value");
    }
    let x = analyze_query_expr(e, hooks.env.scope, hooks)?;
    x.assign_to(ty)
}

/// A RETURNING list over the target level.
fn returning_targets(items: &[SelectItem], level: &Level, hooks: &Hooks<'_, '_>) -> R<Vec<Tle>> {
    let mut out = Vec::new();
    for item in items {
        match item {
            SelectItem::UnnamedExpr(e) => {
                let x = analyze_query_expr(e, hooks.env.scope, hooks)?;
                let name = match x.var_name() {
                    Some(n) if matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_)) => {
                        n.to_owned()
                    }
                    _ => figure_colname(e)?.0,
                };
                out.push(Tle { expr: x, name });
            }
            SelectItem::ExprWithAlias { expr, alias } => out.push(Tle {
                expr: analyze_query_expr(expr, hooks.env.scope, hooks)?,
                name: fold(alias),
            }),
            SelectItem::Wildcard(o) if wildcard_plain(o) => {
                for i in &level.items {
                    for (n, c) in &i.columns {
                        out.push(Tle {
                            expr: QueryExpr::var(c)?,
                            name: n.clone(),
                        });
                    }
                }
            }
            _ => return err("an unsupported RETURNING item"),
        }
    }
    let text = ResolvedType::builtin("text");
    for t in out.iter_mut() {
        if t.expr.is_unknown() {
            t.expr = t.expr.clone().coerce_to(&text)?;
        }
    }
    Ok(out)
}

fn print_returning(
    out: &mut Out,
    returning: &Option<Vec<SelectItem>>,
    level: &Level,
    hooks: &Hooks<'_, '_>,
) -> R<()> {
    if let Some(items) = returning {
        if items.is_empty() {
            return err("an empty RETURNING list");
        }
        let targets = returning_targets(items, level, hooks)?;
        out.keyword(" RETURNING", -INDENT_STD, INDENT_STD, 1);
        print_targets(out, &targets, None, false)?;
    }
    Ok(())
}

/// `get_insert_query_def`.
fn print_insert(i: &sqlparser::ast::Insert, env: &Env<'_>) -> R<String> {
    if !i.optimizer_hints.is_empty()
        || i.or.is_some()
        || i.ignore
        || !i.into
        || i.overwrite
        || !i.assignments.is_empty()
        || i.partitioned.is_some()
        || !i.after_columns.is_empty()
        || i.has_table_keyword
        || i.on.is_some()
        || i.output.is_some()
        || i.replace_into
        || i.priority.is_some()
        || i.insert_alias.is_some()
        || i.settings.is_some()
        || i.format_clause.is_some()
        || i.multi_table_insert_type.is_some()
        || !i.multi_table_into_clauses.is_empty()
    {
        return err("an INSERT clause not supported in function bodies");
    }
    let TableObject::TableName(name) = &i.table else {
        return err("INSERT into a table function");
    };
    let t = target(name, i.table_alias.as_ref().map(|a| &a.alias), env)?;
    // The columns written, else the table's first columns.
    let mut columns = Vec::new();
    for c in &i.columns {
        let parts = name_parts(c)?;
        let [n] = parts.as_slice() else {
            return err("an INSERT column with a subfield or subscript");
        };
        if columns.contains(n) {
            return err(format!("column {n} specified more than once"));
        }
        t.column_type(n)?;
        columns.push(n.clone());
    }
    let explicit = !i.columns.is_empty();
    let pick = |n: usize| -> R<Vec<String>> {
        if explicit {
            if n != columns.len() {
                return err("INSERT with as many expressions as target columns expected");
            }
            Ok(columns.clone())
        } else {
            if n > t.rel.columns.len() {
                return err("INSERT has more expressions than target columns");
            }
            Ok(t.rel.columns[..n].iter().map(|(c, _)| c.clone()).collect())
        }
    };
    let mut names: BTreeSet<String> = BTreeSet::new();
    names.insert(t.refname.clone());
    let no_level = Hooks {
        env,
        level: Rc::new(Level::default()),
        names: &names,
        rtable: true,
    };
    let mut out = Out::new(1);
    out.indent += INDENT_STD;
    out.push(" INSERT INTO ");
    out.push(&t.printed);
    out.push(" ");
    if let Some(a) = &t.alias {
        out.push("AS ");
        out.push(&quote_ident(a));
        out.push(" ");
    }
    let column_list = |out: &mut Out, cols: &[String]| {
        out.push("(");
        out.push(&join_idents(cols));
        out.push(") ");
    };
    match &i.source {
        None => {
            if explicit {
                return err("INSERT with columns and no values");
            }
            out.push("DEFAULT VALUES");
        }
        Some(src) => {
            let plain = src.with.is_none()
                && src.order_by.is_none()
                && src.limit_clause.is_none()
                && src.fetch.is_none()
                && src.locks.is_empty();
            match src.body.as_ref() {
                SetExpr::Values(v) if plain => {
                    if v.explicit_row {
                        return err("VALUES ROW(...)");
                    }
                    let width = v.rows.first().map_or(0, |r| r.content.len());
                    if width == 0 || v.rows.iter().any(|r| r.content.len() != width) {
                        return err("VALUES lists of different lengths");
                    }
                    let cols = pick(width)?;
                    let types = cols
                        .iter()
                        .map(|c| t.column_type(c))
                        .collect::<R<Vec<_>>>()?;
                    column_list(&mut out, &cols);
                    if v.rows.len() == 1 {
                        out.keyword("VALUES (", -INDENT_STD, INDENT_STD, 2);
                        for (k, (e, ty)) in v.rows[0].content.iter().zip(&types).enumerate() {
                            if k > 0 {
                                out.push(", ");
                            }
                            let x = assigned(e, ty, &no_level)?;
                            let text = x.print(out.indent, false)?;
                            out.push_expr(&text);
                        }
                        out.push(")");
                    } else {
                        let mut values_names = names.clone();
                        values_names.insert("*VALUES*".into());
                        let hooks = Hooks {
                            env,
                            level: Rc::new(Level::default()),
                            names: &values_names,
                            rtable: true,
                        };
                        out.push("VALUES ");
                        for (r, row) in v.rows.iter().enumerate() {
                            if r > 0 {
                                out.push(", ");
                            }
                            out.push("(");
                            for (k, (e, ty)) in row.content.iter().zip(&types).enumerate() {
                                if k > 0 {
                                    out.push(",");
                                }
                                let x = assigned(e, ty, &hooks)?;
                                let text = x.print(out.indent, false)?;
                                out.push_expr(&text);
                            }
                            out.push(")");
                        }
                    }
                }
                SetExpr::Values(_) => return err("INSERT ... VALUES with query clauses"),
                _ => {
                    let mut sub_names = names.clone();
                    sub_names.insert("*SELECT*".into());
                    let mut sub_env = env.child(None, &sub_names)?;
                    sub_env.qualify = true;
                    let q = analyze_query(src, &sub_env, false, false)?;
                    let cols = pick(q.columns.len())?;
                    for (c, (_, ty)) in cols.iter().zip(&q.columns) {
                        if ty.sql == "unknown" {
                            return err("INSERT ... SELECT of a literal of unknown type");
                        }
                        let col = QueryColumn {
                            prefix: None,
                            name: c.clone(),
                            ty: ty.clone(),
                        };
                        QueryExpr::var(&col)?.assign_to(&t.column_type(c)?)?;
                    }
                    column_list(&mut out, &cols);
                    let text = print_query(&q, out.indent, None, false)?;
                    out.push(&text);
                }
            }
        }
    }
    let level = t.level();
    let rc = Rc::new(t.level());
    let hooks = Hooks {
        env,
        level: rc,
        names: &names,
        rtable: true,
    };
    print_returning(&mut out, &i.returning, &level, &hooks)?;
    Ok(out.buf)
}

/// The target of UPDATE or DELETE: a plain relation with an optional alias.
fn dml_target(t: &TableWithJoins, env: &Env<'_>) -> R<Target> {
    if !t.joins.is_empty() {
        return err("UPDATE or DELETE of a join");
    }
    let TableFactor::Table {
        name,
        alias,
        args,
        with_hints,
        version,
        with_ordinality,
        partitions,
        json_path,
        sample,
        index_hints,
    } = &t.relation
    else {
        return err("UPDATE or DELETE of something other than a table");
    };
    if args.is_some()
        || !with_hints.is_empty()
        || version.is_some()
        || *with_ordinality
        || !partitions.is_empty()
        || json_path.is_some()
        || sample.is_some()
        || !index_hints.is_empty()
    {
        return err("table options in UPDATE or DELETE");
    }
    if let Some(a) = alias
        && !a.columns.is_empty()
    {
        return err("a column alias list on the target");
    }
    target(name, alias.as_ref().map(|a| &a.name), env)
}

fn print_where(out: &mut Out, selection: &Option<Expr>, hooks: &Hooks<'_, '_>) -> R<()> {
    if let Some(w) = selection {
        let x = analyze_query_expr(w, hooks.env.scope, hooks)?.condition()?;
        out.keyword(" WHERE ", -INDENT_STD, INDENT_STD, 1);
        let text = x.print(out.indent, false)?;
        out.push_expr(&text);
    }
    Ok(())
}

/// `get_update_query_def`.
fn print_update(u: &sqlparser::ast::Update, env: &Env<'_>) -> R<String> {
    if !u.optimizer_hints.is_empty()
        || u.from.is_some()
        || u.output.is_some()
        || u.or.is_some()
        || !u.order_by.is_empty()
        || u.limit.is_some()
    {
        return err("an UPDATE clause not supported in function bodies");
    }
    let t = dml_target(&u.table, env)?;
    let mut names = BTreeSet::new();
    names.insert(t.refname.clone());
    let level = t.level();
    let hooks = Hooks {
        env,
        level: Rc::new(t.level()),
        names: &names,
        rtable: true,
    };
    let mut out = Out::new(1);
    out.indent += INDENT_STD;
    out.push(" UPDATE ");
    out.push(&t.printed);
    if let Some(a) = &t.alias {
        out.push(" AS ");
        out.push(&quote_ident(a));
    }
    out.push(" SET ");
    if u.assignments.is_empty() {
        return err("UPDATE without SET");
    }
    let mut seen = BTreeSet::new();
    for (k, a) in u.assignments.iter().enumerate() {
        let AssignmentTarget::ColumnName(c) = &a.target else {
            return err("a multiple-column assignment");
        };
        let parts = name_parts(c)?;
        let [n] = parts.as_slice() else {
            return err("an assignment to a subfield or subscript");
        };
        if !seen.insert(n.clone()) {
            return err(format!("multiple assignments to column {n}"));
        }
        let ty = t.column_type(n)?;
        let x = assigned(&a.value, &ty, &hooks)?;
        if k > 0 {
            out.push(", ");
        }
        out.push(&quote_ident(n));
        out.push(" = ");
        let text = x.print(out.indent, false)?;
        out.push_expr(&text);
    }
    print_where(&mut out, &u.selection, &hooks)?;
    print_returning(&mut out, &u.returning, &level, &hooks)?;
    Ok(out.buf)
}

/// `get_delete_query_def`.
fn print_delete(d: &sqlparser::ast::Delete, env: &Env<'_>) -> R<String> {
    if !d.optimizer_hints.is_empty()
        || !d.tables.is_empty()
        || d.using.is_some()
        || d.output.is_some()
        || !d.order_by.is_empty()
        || d.limit.is_some()
    {
        return err("a DELETE clause not supported in function bodies");
    }
    let FromTable::WithFromKeyword(from) = &d.from else {
        return err("DELETE without FROM");
    };
    let [table] = from.as_slice() else {
        return err("DELETE from several tables");
    };
    let t = dml_target(table, env)?;
    let mut names = BTreeSet::new();
    names.insert(t.refname.clone());
    let level = t.level();
    let hooks = Hooks {
        env,
        level: Rc::new(t.level()),
        names: &names,
        rtable: true,
    };
    let mut out = Out::new(1);
    out.indent += INDENT_STD;
    out.push(" DELETE FROM ");
    out.push(&t.printed);
    if let Some(a) = &t.alias {
        out.push(" AS ");
        out.push(&quote_ident(a));
    }
    print_where(&mut out, &d.selection, &hooks)?;
    print_returning(&mut out, &d.returning, &level, &hooks)?;
    Ok(out.buf)
}
