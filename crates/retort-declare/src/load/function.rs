//! `CREATE FUNCTION` and `CREATE PROCEDURE`, as `pg_get_function_arguments`,
//! `pg_get_function_identity_arguments` and `pg_get_function_result` print them.

use retort_catalog::{Function, FunctionId, FunctionKind, Ident, ParallelSafety, Volatility};
use sqlparser::ast::{
    ArgMode, CreateFunction, CreateFunctionBody, DataType, Expr, FunctionBehavior,
    FunctionCalledOnNull, FunctionParallel, FunctionReturnType, FunctionSecurity, FunctionSetValue,
    OperateFunctionArg, Value,
};

use super::scope::{ExprScope, resolved};
use super::{Loader, Problem, Result, fold, name_parts};
use crate::canon::expr::Role;
use crate::canon::view::{Parameter, canonicalize_sql_body};
use crate::sql::{CommentOn, FunctionExtras, ParsedStatement};
use retort_sql::quote::quote_ident;

impl Loader {
    pub(super) fn create_function(
        &mut self,
        f: &CreateFunction,
        extras: &FunctionExtras,
        statement: &ParsedStatement,
    ) -> Result<()> {
        let q = self.new_name(&f.name)?;
        let procedure = extras.procedure;
        let args = f.args.as_deref().unwrap_or(&[]);
        let mut full = Vec::new();
        let mut identity = Vec::new();
        // The input parameters, for an SQL-standard body.
        let mut parameters = Vec::new();
        let (mut seen_out, mut out_before_in) = (false, false);
        for arg in args {
            let data_type = self.resolve_type(&arg.data_type)?;
            let mode = arg.mode.as_ref();
            if matches!(mode, Some(ArgMode::Out)) {
                seen_out = true;
            } else {
                out_before_in |= seen_out;
                parameters.push(Parameter {
                    name: arg.name.as_ref().map(fold),
                    data_type: resolved(self, &data_type),
                });
            }
            let mode_text = match mode {
                Some(ArgMode::Out) => "OUT ",
                Some(ArgMode::InOut) => "INOUT ",
                Some(ArgMode::Variadic) => "VARIADIC ",
                Some(ArgMode::In) | None if procedure => "IN ",
                _ => "",
            };
            let name = arg
                .name
                .as_ref()
                .map(|n| format!("{} ", quote_ident(&fold(n))))
                .unwrap_or_default();
            let mut text = format!("{mode_text}{name}{}", data_type.sql);
            // `pg_get_function_identity_arguments` lists every argument, OUT ones included.
            identity.push(text.clone());
            if let Some(default) = &arg.default_expr {
                let target = resolved(self, &data_type);
                let d = ExprScope::empty(self).canonicalize(default, &Role::Default { target })?;
                text.push_str(" DEFAULT ");
                text.push_str(&d);
            }
            full.push(text);
        }
        let id = FunctionId {
            schema: q.schema.clone(),
            name: q.name.clone(),
            arguments: identity.join(", "),
        };
        if self.catalog.functions.contains_key(&id) && !f.or_replace {
            return Err(Problem::new(format!("function {id} already exists")));
        }
        let (returns, set) = match (&f.return_type, procedure) {
            (_, true) => (None, false),
            (Some(FunctionReturnType::DataType(DataType::Table(Some(columns)))), false) => {
                let mut parts = Vec::new();
                for c in columns {
                    let t = self.resolve_type(&c.data_type)?;
                    parts.push(format!("{} {}", quote_ident(&fold(&c.name)), t.sql));
                }
                (Some(format!("TABLE({})", parts.join(", "))), true)
            }
            (Some(FunctionReturnType::DataType(t)), false) => (Some(self.result_type(t)?), false),
            (Some(FunctionReturnType::SetOf(t)), false) => {
                (Some(format!("SETOF {}", self.result_type(t)?)), true)
            }
            (None, false) => {
                let outs: Vec<&OperateFunctionArg> = args
                    .iter()
                    .filter(|a| matches!(a.mode, Some(ArgMode::Out | ArgMode::InOut)))
                    .collect();
                match outs.as_slice() {
                    [] => return Err(Problem::new("function result type must be specified")),
                    [one] => (Some(self.resolve_type(&one.data_type)?.sql), false),
                    _ => (Some("record".to_owned()), false),
                }
            }
        };
        let language = f
            .language
            .as_ref()
            .map(fold)
            .unwrap_or_else(|| "sql".to_owned());
        if !matches!(language.as_str(), "sql" | "plpgsql") {
            self.approximate(format!(
                "functions in language {language} are checked by the server only"
            ));
        }
        let standard_body = match (&f.function_body, &extras.atomic_body) {
            (_, Some(atomic)) => Some(atomic.clone()),
            (Some(CreateFunctionBody::Return(_)), None) => Some(return_text(&statement.text)?),
            _ => None,
        };
        let (body, sql_body) = match (standard_body, &f.function_body) {
            (Some(text), _) => {
                let canonical = if out_before_in {
                    Err("an OUT parameter before an input one".to_owned())
                } else {
                    canonicalize_sql_body(
                        q.name.as_str(),
                        &text,
                        &parameters,
                        &ExprScope::empty(self),
                    )
                    .map_err(|e| e.message)
                };
                match canonical {
                    Ok(body) => (body, true),
                    Err(e) => {
                        self.approximate(format!(
                            "the SQL-standard function body is kept as written ({e}); \
                             PostgreSQL stores it rewritten (pg_get_function_sqlbody)"
                        ));
                        (text, true)
                    }
                }
            }
            (
                None,
                Some(
                    CreateFunctionBody::AsBeforeOptions { body, .. }
                    | CreateFunctionBody::AsAfterOptions(body),
                ),
            ) => (string_body(body)?, false),
            _ => return Err(Problem::new("this function body is not read offline")),
        };
        let volatility = match f.behavior {
            Some(FunctionBehavior::Immutable) => Volatility::Immutable,
            Some(FunctionBehavior::Stable) => Volatility::Stable,
            _ => Volatility::Volatile,
        };
        let strict = matches!(
            f.called_on_null,
            Some(FunctionCalledOnNull::Strict | FunctionCalledOnNull::ReturnsNullOnNullInput)
        );
        let parallel = match f.parallel {
            Some(FunctionParallel::Safe) => ParallelSafety::Safe,
            Some(FunctionParallel::Restricted) => ParallelSafety::Restricted,
            _ => ParallelSafety::Unsafe,
        };
        let mut config = Vec::new();
        for p in &f.set_params {
            let name = name_parts(&p.name)?.join(".");
            match &p.value {
                FunctionSetValue::Values(values) => {
                    let list_quote = name == "search_path";
                    let vs: Vec<String> = values.iter().map(|v| set_value(v, list_quote)).collect();
                    config.push(format!("{name}={}", vs.join(", ")));
                }
                FunctionSetValue::Default => {}
                FunctionSetValue::FromCurrent => {
                    return Err(Problem::new(
                        "SET … FROM CURRENT depends on the session: use a development database",
                    ));
                }
            }
        }
        let cost = extras.cost.clone().unwrap_or_else(|| "100".to_owned());
        let rows = match (&extras.rows, set) {
            (Some(r), _) => r.clone(),
            (None, true) => "1000".to_owned(),
            (None, false) => "0".to_owned(),
        };
        let comment = self
            .catalog
            .functions
            .get(&id)
            .and_then(|old| old.comment.clone());
        self.catalog.insert(Function {
            id,
            kind: if procedure {
                FunctionKind::Procedure
            } else {
                FunctionKind::Function
            },
            arguments: full.join(", "),
            returns,
            language: Ident::new(language),
            body,
            sql_body,
            volatility,
            strict,
            security_definer: matches!(f.security, Some(FunctionSecurity::Definer)),
            leakproof: extras.leakproof.unwrap_or(false),
            parallel,
            cost: normalize_number(&cost),
            rows: normalize_number(&rows),
            config,
            depends_on: Default::default(),
            comment,
        });
        Ok(())
    }

    /// A result type: `trigger`, `void`, `record` and the other pseudo-types by name, else a
    /// written type.
    fn result_type(&self, t: &DataType) -> Result<String> {
        if let DataType::Custom(name, modifiers) = t
            && modifiers.is_empty()
        {
            let parts = name_parts(name)?;
            if let [one] = parts.as_slice()
                && PSEUDO_TYPES.contains(&one.as_str())
            {
                return Ok(one.clone());
            }
        }
        if let DataType::Trigger = t {
            return Ok("trigger".to_owned());
        }
        Ok(self.resolve_type(t)?.sql)
    }

    /// The function a `COMMENT ON FUNCTION name(args)` names.
    pub(super) fn function_for_comment(&self, c: &CommentOn) -> Result<FunctionId> {
        let q = self.resolve(&c.name, |q| {
            self.catalog
                .functions
                .keys()
                .any(|f| f.schema == q.schema && f.name == q.name)
        })?;
        let q = q.ok_or_else(|| Problem::new(format!("function \"{}\" does not exist", c.name)))?;
        let candidates: Vec<&FunctionId> = self
            .catalog
            .functions
            .keys()
            .filter(|f| f.schema == q.schema && f.name == q.name)
            .collect();
        let Some(args) = &c.args else {
            return match candidates.as_slice() {
                [one] => Ok((*one).clone()),
                _ => Err(Problem::new(format!(
                    "function name \"{q}\" is not unique: name its argument types"
                ))),
            };
        };
        let mut types = Vec::new();
        for a in args {
            if matches!(a.mode, Some(ArgMode::Out)) {
                continue;
            }
            types.push(self.resolve_type(&a.data_type)?.sql);
        }
        candidates
            .into_iter()
            .find(|f| {
                let functions = &self.catalog.functions;
                let procedure = functions
                    .get(*f)
                    .is_some_and(|x| x.kind == FunctionKind::Procedure);
                identity_types(&f.arguments, procedure) == types
            })
            .cloned()
            .ok_or_else(|| {
                Problem::new(format!("function {q}({}) does not exist", types.join(", ")))
            })
    }
}

/// Whether a function with the full argument list `arguments` (as
/// `pg_get_function_arguments` prints it) can be called with arguments of exactly the types
/// `wanted`: its input arguments have those types, the ones left over all have defaults.
pub(super) fn accepts(arguments: &str, wanted: &[&str]) -> bool {
    let inputs: Vec<String> = split_arguments(arguments)
        .into_iter()
        .filter(|a| !a.starts_with("OUT "))
        .collect();
    if inputs.len() < wanted.len() {
        return false;
    }
    inputs.iter().enumerate().all(|(i, a)| {
        let (declared, default) = match a.split_once(" DEFAULT ") {
            Some((d, _)) => (d, true),
            None => (a.as_str(), false),
        };
        let declared = declared
            .strip_prefix("IN ")
            .or_else(|| declared.strip_prefix("INOUT "))
            .unwrap_or(declared);
        match wanted.get(i) {
            Some(t) => !declared.starts_with("VARIADIC ") && type_of_argument(declared) == *t,
            None => default,
        }
    })
}

/// Pseudo-types a function may return.
const PSEUDO_TYPES: &[&str] = &[
    "trigger",
    "event_trigger",
    "void",
    "record",
    "anyelement",
    "anyarray",
    "anynonarray",
    "anyenum",
    "anyrange",
    "anymultirange",
    "anycompatible",
    "anycompatiblearray",
    "internal",
    "cstring",
    "language_handler",
    "fdw_handler",
    "index_am_handler",
    "tsm_handler",
    "table_am_handler",
];

/// The argument types of an identity argument list (`a integer, INOUT b text` -> integer,
/// text), OUT arguments of procedures left out as `COMMENT ON PROCEDURE` may omit them.
fn identity_types(arguments: &str, procedure: bool) -> Vec<String> {
    let _ = procedure;
    split_arguments(arguments)
        .iter()
        .filter(|a| !a.starts_with("OUT "))
        .map(|a| {
            let a = a
                .strip_prefix("IN ")
                .or_else(|| a.strip_prefix("INOUT "))
                .or_else(|| a.strip_prefix("VARIADIC "))
                .unwrap_or(a);
            type_of_argument(a)
        })
        .collect()
}

/// `name type` or `type`: the type, knowing names are identifiers and types may contain
/// spaces (`double precision`, `character varying(10)`).
fn type_of_argument(arg: &str) -> String {
    if crate::canon::types::canonical_builtin(arg).as_deref() == Some(arg) {
        return arg.to_owned();
    }
    if let Some(rest) = arg.strip_prefix('"') {
        let mut i = 0;
        let bytes = rest.as_bytes();
        while i < bytes.len() {
            if bytes[i] == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 2;
                    continue;
                }
                return rest[i + 1..].trim().to_owned();
            }
            i += 1;
        }
        return arg.to_owned();
    }
    match arg.split_once(' ') {
        Some((_, t)) if !t.is_empty() => t.to_owned(),
        _ => arg.to_owned(),
    }
}

/// Splits an argument list at top-level commas.
fn split_arguments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut quoted = false;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(current.trim().to_owned());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_owned());
    }
    out
}

/// The `RETURN expr` body of a function as written: from the first `RETURN` keyword to the end.
fn return_text(statement: &str) -> Result<String> {
    use sqlparser::tokenizer::{Token, Tokenizer};
    let tokens = Tokenizer::new(&crate::sql::RetortDialect, statement)
        .tokenize_with_location()
        .map_err(|e| Problem::new(e.to_string()))?;
    let at = tokens
        .iter()
        .find(|t| matches!(&t.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("return")))
        .map(|t| {
            crate::sql::offset_of(
                statement,
                t.span.start.line as usize,
                t.span.start.column as usize,
            )
        })
        .ok_or_else(|| Problem::new("a RETURN body without RETURN"))?;
    Ok(statement[at..]
        .trim_end()
        .trim_end_matches(';')
        .trim_end()
        .to_owned())
}

/// A function body given as a string: its text exactly.
fn string_body(body: &Expr) -> Result<String> {
    match body {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) | Value::EscapedStringLiteral(s) => Ok(s.clone()),
            Value::DollarQuotedString(d) => Ok(d.value.clone()),
            other => Err(Problem::new(format!("unexpected function body {other}"))),
        },
        other => Err(Problem::new(format!("unexpected function body `{other}`"))),
    }
}

/// A `SET name = value` value as `proconfig` keeps it.
fn set_value(v: &Expr, list_quote: bool) -> String {
    match v {
        Expr::Value(value) => match &value.value {
            Value::SingleQuotedString(s) => s.clone(),
            Value::Number(n, _) => n.clone(),
            other => other.to_string(),
        },
        Expr::Identifier(i) => {
            let folded = fold(i);
            if list_quote {
                quote_ident(&folded)
            } else {
                folded
            }
        }
        Expr::CompoundIdentifier(parts) => parts.iter().map(fold).collect::<Vec<_>>().join("."),
        other => other.to_string(),
    }
}

/// `COST 10.0` is kept as `10`: PostgreSQL stores a float4.
fn normalize_number(text: &str) -> String {
    match text.parse::<f64>() {
        Ok(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{}", v as i64),
        Ok(v) => format!("{v}"),
        Err(_) => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_types_skip_names_and_modes() {
        assert_eq!(
            identity_types("\"select\" text, \"Weight\" numeric", false),
            ["text", "numeric"]
        );
        assert_eq!(
            identity_types("IN older_than interval, INOUT moved integer", true),
            ["interval", "integer"]
        );
        assert_eq!(
            identity_types("double precision", false),
            ["double precision"]
        );
        assert_eq!(identity_types("", false), Vec::<String>::new());
    }

    #[test]
    fn calls_match_input_types_and_defaults() {
        assert!(accepts("a integer, b integer DEFAULT 1", &["integer"]));
        assert!(accepts(
            "a integer, b integer DEFAULT 1",
            &["integer", "integer"]
        ));
        assert!(!accepts("a integer, b integer", &["integer"]));
        assert!(!accepts("a numeric", &["integer"]));
        assert!(accepts(
            "INOUT counter integer, step integer DEFAULT 1",
            &["integer"]
        ));
        assert!(accepts("x integer, OUT y integer", &["integer"]));
        assert!(accepts("", &[]));
    }

    #[test]
    fn costs_print_as_postgresql_stores_them() {
        assert_eq!(normalize_number("10.0"), "10");
        assert_eq!(normalize_number("0.5"), "0.5");
    }
}
