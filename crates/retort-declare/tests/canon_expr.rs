//! `canon::expr::canonicalize` agrees with the server: every expression below is stored by
//! PostgreSQL (as a default, generated column, check, index key or predicate, policy, trigger
//! condition, domain default or check) and the text the catalog reader would see is the
//! expected value.

use retort_declare::canon::expr::{ExprError, ResolvedType, Role, Scope, TypeKind, canonicalize};
use retort_declare::sql::RetortDialect;
use retort_testkit::TestDb;
use sqlparser::parser::Parser;

/// The columns of table `public.t` (also `new`/`old` in trigger conditions).
const COLUMNS: &[(&str, &str)] = &[
    ("a", "integer"),
    ("b", "text"),
    ("c", "character varying(5)"),
    ("d", "text"),
    ("n", "numeric"),
    ("n2", "numeric(10,2)"),
    ("big", "bigint"),
    ("sm", "smallint"),
    ("f4", "real"),
    ("f8", "double precision"),
    ("bo", "boolean"),
    ("ch", "character(3)"),
    ("u", "uuid"),
    ("j", "jsonb"),
    ("js", "json"),
    ("ia", "integer[]"),
    ("ta", "text[]"),
    ("ts", "timestamp without time zone"),
    ("tz", "timestamp with time zone"),
    ("dt", "date"),
    ("iv", "interval"),
    ("m", "public.mood"),
    ("pi", "public.posint"),
    ("by", "bytea"),
];

const SETUP: &str = r#"
CREATE TYPE public.mood AS ENUM ('a', 'b', 'c');
CREATE DOMAIN public.posint AS integer CHECK (VALUE > 0);
CREATE SCHEMA fx;
CREATE FUNCTION fx.f(integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT $1';
CREATE FUNCTION public.g(text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT $1';
CREATE SEQUENCE public.s1;
CREATE SCHEMA other;
CREATE SEQUENCE other.s2;
CREATE SEQUENCE public."Mixed";
CREATE FUNCTION public.trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TABLE public.t (
    a integer, b text, c varchar(5), d text, n numeric, n2 numeric(10,2), big bigint,
    sm smallint, f4 real, f8 double precision, bo boolean, ch char(3), u uuid, j jsonb,
    js json, ia integer[], ta text[], ts timestamp, tz timestamptz, dt date, iv interval,
    m public.mood, pi public.posint, "by" bytea
);
ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;
"#;

fn user_type(name: &str) -> Option<ResolvedType> {
    match name {
        "mood" => Some(ResolvedType {
            sql: "public.mood".into(),
            kind: TypeKind::Enum,
        }),
        "posint" => Some(ResolvedType {
            sql: "public.posint".into(),
            kind: TypeKind::Domain {
                base: "integer".into(),
            },
        }),
        _ => None,
    }
}

fn resolved(sql: &str) -> ResolvedType {
    if let Some(elem) = sql.strip_suffix("[]") {
        let e = resolved(elem);
        return ResolvedType {
            sql: sql.into(),
            kind: e.kind,
        };
    }
    if let Some(n) = sql.strip_prefix("public.") {
        if let Some(t) = user_type(n) {
            return t;
        }
    }
    ResolvedType::builtin(sql)
}

struct TestScope {
    /// `Some(base)` in a domain check.
    domain: Option<&'static str>,
}

impl Scope for TestScope {
    fn column(&self, qualifier: Option<&str>, name: &str) -> Option<ResolvedType> {
        if let Some(base) = self.domain {
            return (qualifier.is_none() && name == "value").then(|| ResolvedType::builtin(base));
        }
        if !matches!(qualifier, None | Some("t" | "new" | "old")) {
            return None;
        }
        COLUMNS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| resolved(t))
    }

    fn user_type(&self, schema: Option<&str>, name: &str) -> Option<ResolvedType> {
        match schema {
            None | Some("public") => user_type(name),
            _ => None,
        }
    }

    fn function(
        &self,
        schema: Option<&str>,
        name: &str,
        args: &[ResolvedType],
    ) -> Option<(String, ResolvedType)> {
        let sql: Vec<&str> = args.iter().map(|a| a.sql.as_str()).collect();
        match (schema, name, sql.as_slice()) {
            (Some("fx"), "f", ["integer"]) => Some(("fx".into(), ResolvedType::builtin("integer"))),
            (None | Some("public"), "g", ["text"]) => {
                Some(("public".into(), ResolvedType::builtin("text")))
            }
            _ => None,
        }
    }

    fn sequence(&self, schema: Option<&str>, name: &str) -> Option<String> {
        match (schema, name) {
            (None | Some("public"), "s1" | "Mixed") => Some("public".into()),
            (Some("other"), "s2") => Some("other".into()),
            _ => None,
        }
    }

    fn domain_check(&self) -> Option<bool> {
        Some(self.domain.is_some())
    }
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    /// A column default on a new column of the type.
    Default(&'static str),
    /// A stored generated column of the type.
    Generated(&'static str),
    Check,
    IndexKey,
    IndexPredicate,
    Policy,
    TriggerWhen,
    /// A domain over the base type with this default.
    DomainDefault(&'static str),
    /// A domain over the base type with this check.
    DomainCheck(&'static str),
}

use Kind::*;

/// Cases canonicalize must reproduce.
const CASES: &[(Kind, &str)] = &[
    // defaults: integers
    (Default("integer"), "7"),
    (Default("integer"), "-1"),
    (Default("integer"), "- 1"),
    (Default("integer"), "-(1)"),
    (Default("integer"), "0"),
    (Default("integer"), "'5'"),
    (Default("integer"), "(1 + 2)"),
    (Default("integer"), "2 * 3 + 1"),
    (Default("integer"), "+5"),
    (Default("integer"), "2147483647"),
    (Default("integer"), "-2147483648"),
    (Default("integer"), "length('abc')"),
    (Default("integer"), "fx.f(1)"),
    (Default("integer"), "nextval('s1')"),
    (Default("bigint"), "nextval('s1')"),
    (Default("bigint"), "nextval('other.s2')"),
    (Default("bigint"), "nextval('public.s1'::regclass)"),
    (Default("bigint"), "nextval('\"Mixed\"')"),
    (Default("bigint"), "3000000000"),
    (Default("bigint"), "-1"),
    (Default("bigint"), "9223372036854775807"),
    (Default("bigint"), "2147483648 - 1"),
    (Default("smallint"), "1"),
    (Default("smallint"), "-1"),
    (Default("smallint"), "'3'"),
    // numeric and floats
    (Default("numeric"), "0"),
    (Default("numeric"), "1.5"),
    (Default("numeric"), "-1.5"),
    (Default("numeric"), "1.50"),
    (Default("numeric"), "1.5e3"),
    (Default("numeric"), "1e-3"),
    (Default("numeric"), ".5"),
    (Default("numeric"), "99999999999999999999"),
    (Default("numeric"), "'NaN'"),
    (Default("numeric"), "'12.340'"),
    (Default("numeric"), "-1"),
    (Default("numeric(10,2)"), "1.5"),
    (Default("numeric(10,2)"), "0"),
    (Default("real"), "-1.5"),
    (Default("real"), "1"),
    (Default("real"), "'2.5'"),
    (Default("double precision"), "1.5"),
    (Default("double precision"), "-0.0"),
    (Default("double precision"), "'1.25'"),
    // strings
    (Default("character varying(10)"), "'x'"),
    (Default("character varying"), "'a' || 'b'"),
    (Default("text"), "'q'"),
    (Default("text"), "'it''s'"),
    (Default("text"), "E'a\\\\b'"),
    (Default("text"), "''"),
    (Default("text"), "lower('A')"),
    (Default("text"), "upper('a')"),
    (Default("text"), "current_user"),
    (Default("text"), "session_user"),
    (Default("text"), "current_role"),
    (Default("text"), "5::text"),
    (Default("text"), "'x'::text"),
    (Default("text"), "btrim(' x ')"),
    (Default("text"), "trim(' x ')"),
    (Default("text"), "md5('x')"),
    (Default("text"), "$$dollar$$"),
    (Default("character(3)"), "'ab'"),
    (Default("name"), "'nm'"),
    // booleans
    (Default("boolean"), "true"),
    (Default("boolean"), "false"),
    (Default("boolean"), "'true'"),
    (Default("boolean"), "'f'"),
    (Default("boolean"), "'yes'"),
    // date and time
    (Default("timestamp with time zone"), "now()"),
    (Default("timestamp with time zone"), "current_timestamp"),
    (Default("timestamp with time zone"), "clock_timestamp()"),
    (Default("timestamp with time zone"), "statement_timestamp()"),
    (
        Default("timestamp with time zone"),
        "transaction_timestamp()",
    ),
    (Default("timestamp with time zone"), "current_timestamp(3)"),
    (
        Default("timestamp with time zone"),
        "'2006-11-10 00:00:00+01'",
    ),
    (
        Default("timestamp with time zone"),
        "'2024-02-29 23:30:00.250-05:30'",
    ),
    (
        Default("timestamp with time zone"),
        "'2024-01-01T00:00:00Z'",
    ),
    (Default("timestamp with time zone"), "'infinity'"),
    (
        Default("timestamp with time zone"),
        "date_trunc('day', now())",
    ),
    (
        Default("timestamp with time zone"),
        "now() + interval '1 day'",
    ),
    (
        Default("timestamp with time zone"),
        "now() - '1 hour'::interval",
    ),
    (Default("timestamp without time zone"), "current_timestamp"),
    (Default("timestamp without time zone"), "localtimestamp"),
    (
        Default("timestamp without time zone"),
        "'2020-01-02 03:04:05'",
    ),
    (Default("timestamp without time zone"), "'2020-01-02'"),
    (Default("timestamp without time zone"), "now()"),
    (Default("date"), "current_date"),
    (Default("date"), "'2020-01-01'"),
    (Default("date"), "current_date + 1"),
    (Default("time without time zone"), "current_time"),
    (Default("time without time zone"), "localtime"),
    (Default("time without time zone"), "'12:30'"),
    (Default("interval"), "'1 day'"),
    (Default("interval"), "'2 days'"),
    (Default("interval"), "'24 hours'"),
    (Default("interval"), "'1 year 2 months'"),
    (Default("interval"), "'90 minutes'"),
    (Default("interval"), "interval '1 day'"),
    (Default("double precision"), "extract(epoch from now())"),
    (Default("numeric"), "extract(epoch from now())"),
    // uuid, json, bytea
    (Default("uuid"), "gen_random_uuid()"),
    (Default("uuid"), "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'"),
    (Default("uuid"), "'{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}'"),
    (Default("jsonb"), "'{}'"),
    (Default("jsonb"), "'[]'"),
    (
        Default("jsonb"),
        "'{\"b\":1,\"a\":[1,2.50,true,null],\"aa\":\"x\"}'",
    ),
    (Default("jsonb"), "'{\"a\":1,\"a\":2}'"),
    (Default("jsonb"), "'{}'::jsonb"),
    (Default("json"), "'{\"b\":1,  \"a\":2}'"),
    (Default("bytea"), "'\\xDEAD'"),
    // arrays and enums
    (Default("integer[]"), "'{}'"),
    (Default("integer[]"), "'{1, 2,3}'"),
    (Default("integer[]"), "array[1, 2]"),
    (Default("text[]"), "array['a']"),
    (Default("text[]"), "'{a,\"b c\",NULL,\"\"}'"),
    (Default("text[]"), "'{}'::text[]"),
    (Default("character varying[]"), "array['a']"),
    (Default("character varying[]"), "array['a']::varchar[]"),
    (Default("public.mood"), "'a'"),
    (Default("public.mood"), "'b'::mood"),
    (Default("public.mood[]"), "'{a,b}'"),
    (Default("public.posint"), "5"),
    (Default("public.posint"), "'7'"),
    (Default("integer"), "coalesce(null, 1)"),
    (Default("integer"), "case when true then 1 else 2 end"),
    (Default("integer"), "greatest(1, 2)"),
    (Default("integer"), "nullif(1, 2)"),
    (Default("text"), "substring('abc' from 2 for 1)"),
    (Default("integer"), "position('b' in 'abc')"),
    (Default("integer"), "abs(-3)"),
    (Default("numeric"), "round(1.25, 1)"),
    // generated columns
    (Generated("integer"), "a * 2"),
    (Generated("text"), "b || 'x'"),
    (Generated("numeric"), "a + 1"),
    (Generated("text"), "lower(b)"),
    (Generated("text"), "c"),
    (Generated("text"), "coalesce(b, '')"),
    (Generated("bigint"), "a"),
    (Generated("numeric"), "n2 * 2"),
    (Generated("text"), "j ->> 'k'"),
    (Generated("integer"), "length(c)"),
    // checks
    (Check, "n > 0"),
    (Check, "c in ('x','y')"),
    (Check, "length(d) < 5 and d <> ''"),
    (Check, "n2 between 1 and 10"),
    (Check, "big > 0"),
    (Check, "b ~ '^a' and b like 'a%' and b is not null"),
    (Check, "n >= -1"),
    (Check, "a > 0 or a is null"),
    (Check, "m <> 'b'"),
    (Check, "j ? 'a' and j->>'a' = 'x' and j @> '{\"a\":1}'"),
    (
        Check,
        "ia && '{1}' and array_length(ia, 1) > 0 and cardinality(ia) < 3",
    ),
    (Check, "a not in (1,2)"),
    (Check, "not (a = 1)"),
    (Check, "a is distinct from 3 and a is not distinct from 4"),
    (Check, "bo is true or bo is not false"),
    (Check, "bo is unknown or bo is not unknown"),
    (Check, "case when a > 0 then 'a' else 'b' end = 'a'"),
    (Check, "case a when 1 then true when 2 then false end"),
    (Check, "case when a > 0 then 1 end > 0"),
    (Check, "coalesce(a, 0) > nullif(a, 5)"),
    (Check, "greatest(a, 1) < least(a, 10)"),
    (Check, "a::text <> '' and cast(a as numeric) > 0"),
    (
        Check,
        "f8 > 0 and sm > 0 and sm < a and f8 > a and f8 > 1.5",
    ),
    (Check, "f4 > 0"),
    (Check, "f4 > f8"),
    (Check, "ch = 'a' and c = 'a' and c = d and ch = d"),
    (Check, "a + 1 > 2 * a - 3 / a % 2"),
    (Check, "d || 'x' <> c || 'y'"),
    (Check, "a > 0 and a < 10 and a <> 5 or a = 100"),
    (Check, "(a > 0 or a < 10) and a <> 5"),
    (Check, "a > 0 and (a < 10 and a <> 5)"),
    (Check, "a = 1 or (a = 2 or a = 3)"),
    (Check, "-a < 0 and - a < 0 and a > -(1)"),
    (Check, "d not like 'x%' and d ilike 'y' and d not ilike 'z'"),
    (Check, "ts > now() - interval '1 day'"),
    (
        Check,
        "upper(d) = lower(d) and btrim(d) = trim(d) and char_length(d) > 0",
    ),
    (
        Check,
        "trim(leading 'x' from d) <> '' and trim(trailing ' ' from d) <> ''",
    ),
    (Check, "a between -1 and 1 and a not between 5 and 6"),
    (Check, "j->'a' is not null and j #>> '{a,b}' <> ''"),
    (
        Check,
        "ia @> array[1] and ia <@ '{1,2}' and 1 = any(ia) and a = all(ia)",
    ),
    (Check, "u <> '00000000-0000-0000-0000-000000000000'"),
    (Check, "(a is null) = false"),
    (Check, "((a)) > 0"),
    (
        Check,
        "date_trunc('day', ts) = ts and extract(year from ts) > 2000",
    ),
    (Check, "d in ('a') and a in (1)"),
    (Check, "c::text = 'a' and d::varchar(3) = 'b'"),
    (Check, "pi > 0"),
    (Check, "pi > a"),
    (Check, "m in ('a', 'b')"),
    (Check, "m > 'a'::mood"),
    (Check, "fx.f(a) > 0"),
    (Check, "n > 1.5 and a > 1.5 and a > 1e3"),
    (Check, "big > a and big = sm and big < 3000000000"),
    (Check, "n2 > n and n2 >= 0.01"),
    (Check, "dt > '2000-01-01' and dt < current_date"),
    (Check, "iv > '1 day' and iv < interval '2 days'"),
    (
        Check,
        "tz <= now() and tz > clock_timestamp() - interval '1 year'",
    ),
    (Check, "ts < localtimestamp"),
    (Check, "b = current_user"),
    (Check, "ta @> array['x'] and 'x' = any(ta)"),
    (Check, "b in ('x', 'y', 'z')"),
    (Check, "a in (1, 2, 3)"),
    (Check, "n in (1, 2.5)"),
    (Check, "a in (1, 2, a)"),
    (Check, "j ? 'x' or j ?| array['a','b'] or j ?& array['c']"),
    (Check, "jsonb_typeof(j) = 'object'"),
    (Check, "j -> 'a' ->> 'b' = 'x'"),
    (Check, "js ->> 'a' = 'x'"),
    (
        Check,
        "a % 2 = 0 and a / 2 > 1 and a * 2 < 100 and a - 1 > 0",
    ),
    (Check, "n * 2 > n / 3"),
    (Check, "a + n > 0"),
    (Check, "a + big > 0 and sm + sm > 0 and f8 * a > 0"),
    (Check, "lower(c) = 'x'"),
    (Check, "length(c) < 3 and length(ch) < 3"),
    (Check, "upper(d) like 'A%'"),
    (Check, "left(d, 2) = 'ab' and right(d, 1) = 'z'"),
    (Check, "substr(d, 1, 2) = 'ab'"),
    (Check, "replace(d, 'a', 'b') <> d"),
    (
        Check,
        "abs(a) < 10 and round(n) > 0 and floor(n) >= 0 and ceil(n) >= 0",
    ),
    (Check, "starts_with(d, 'a')"),
    (Check, "bo"),
    (Check, "not bo"),
    (Check, "bo = true"),
    (Check, "bo and a > 0"),
    (Check, "octet_length(by) < 100"),
    (Check, "a <> 0 and a <> -2147483648"),
    (Check, "big <> -9223372036854775808"),
    (Check, "n <> 'NaN'"),
    (Check, "c || d <> ''"),
    (Check, "b ~* 'x' and b !~ 'y' and b !~* 'z'"),
    (Check, "d similar to 'a%'"),
    // index keys
    (IndexKey, "lower(b)"),
    (IndexKey, "a + 1"),
    (IndexKey, "b || 'x'"),
    (IndexKey, "fx.f(a)"),
    (IndexKey, "a > 0 and b <> '' or a < 0"),
    (IndexKey, "j->>'a'"),
    (IndexKey, "case when a > 0 then 1 else 2 end"),
    (IndexKey, "a::text"),
    (IndexKey, "a + 1 * 2"),
    (IndexKey, "(a + 1) * 2"),
    (IndexKey, "a - (1 - a)"),
    (IndexKey, "(a - 1) - a"),
    (IndexKey, "coalesce(a, 0)"),
    (IndexKey, "lower(c)"),
    (IndexKey, "c || 'x'"),
    (IndexKey, "(a + 1)::text"),
    (IndexKey, "a is null"),
    (IndexKey, "not bo"),
    (IndexKey, "a in (1, 2)"),
    (IndexKey, "n + a"),
    (IndexKey, "date_trunc('day', ts)"),
    (IndexKey, "(j -> 'a') ->> 'b'"),
    (IndexKey, "upper(b || d)"),
    (IndexKey, "a = 1 or (a = 2 or a = 3)"),
    (IndexKey, "-a"),
    // index predicates
    (IndexPredicate, "a > 0"),
    (IndexPredicate, "b is not null and c = 'x'"),
    (IndexPredicate, "bo"),
    (IndexPredicate, "not bo"),
    (IndexPredicate, "m = 'a'"),
    (IndexPredicate, "ts > '2020-01-01'"),
    (IndexPredicate, "n2 > 0 and a in (1,2)"),
    (IndexPredicate, "j ? 'k'"),
    // policies
    (Policy, "a > 0"),
    (Policy, "b = current_user"),
    (Policy, "m = 'a' and b = 'x'"),
    (Policy, "true"),
    (Policy, "b = session_user or a is null"),
    (Policy, "c in ('x', 'y')"),
    // trigger conditions
    (TriggerWhen, "old.a is distinct from new.a"),
    (TriggerWhen, "new.b = 'x' and new.a > 0"),
    (TriggerWhen, "new.c <> old.c"),
    (TriggerWhen, "new.n > 0"),
    (TriggerWhen, "new.m = 'a'"),
    (TriggerWhen, "new.bo"),
    // domains
    (DomainDefault("integer"), "1"),
    (DomainDefault("integer"), "-1"),
    (DomainDefault("character varying(5)"), "'x'"),
    (DomainDefault("text"), "''"),
    (DomainDefault("numeric"), "0"),
    (DomainDefault("timestamp with time zone"), "now()"),
    (DomainCheck("integer"), "value > 0"),
    (DomainCheck("text"), "value <> '' and length(value) < 10"),
    (DomainCheck("character varying(5)"), "value in ('x','y')"),
    (DomainCheck("numeric"), "value >= 0 and value < 100"),
    (DomainCheck("text"), "value ~ '^[a-z]+$'"),
    (DomainCheck("integer"), "value is not null"),
    (DomainCheck("character varying(5)"), "length(value) > 1"),
    (DomainCheck("numeric(10,2)"), "value > 0"),
];

/// Cases outside what is reproduced offline: canonicalize may refuse them, but when it
/// answers it must agree with the server.
const MAYBE: &[(Kind, &str)] = &[
    (Default("timestamp with time zone"), "'2020-01-01'"),
    (Default("double precision"), "1e300"),
    (Default("interval"), "'1.5 days'"),
    (Default("interval"), "'P1D'"),
    (Default("date"), "'Jan 1 2020'"),
    (Default("text"), "concat('a', 'b')"),
    (Default("text"), "g('x')"),
    (Default("text"), "g('x'::text)"),
    (Default("text"), "format('%s', 1)"),
    (Default("jsonb"), "jsonb_build_object('a', 1)"),
    (Default("jsonb"), "'{\"a\":\"\\u0041\"}'"),
    (Default("bytea"), "'abc'"),
    (Default("bit(3)"), "B'101'"),
    (Default("integer"), "random()::int"),
    (Default("text"), "sin(1)::text"),
    (Default("integer[]"), "'{{1,2},{3,4}}'"),
    (Default("integer"), "'1'::int + '2'"),
    (Default("text"), "'x' collate \"C\""),
    (Default("numeric(5,2)"), "5::numeric(5,2)"),
    (Default("character varying(3)"), "'x'::varchar(3)"),
    (Default("inet"), "'127.0.0.1'"),
    (Check, "a in (select 1)"),
    (Check, "exists (select 1)"),
    (Check, "d like 'a%' escape '!'"),
    (Check, "a > all(array[1, 2])"),
    (Check, "row(a, b) is not null"),
    (Check, "d collate \"C\" > 'a'"),
    (Check, "a > 0 is true"),
    (Check, "ts at time zone 'UTC' > now()"),
    (Check, "b || a <> ''"),
    (Check, "ia[1] > 0"),
    (Check, "a = any('{1,2}')"),
    (Check, "coalesce(m, 'a') = 'b'"),
    (Check, "'a' = 'a'"),
    (Check, "m::text = 'a'"),
    (Check, "a between 1 and n"),
    (Check, "a between random() and 2"),
    (Check, "case c when 'x' then true else false end"),
    (Check, "d ~~ any(array['a', 'b'])"),
    (Check, "pi in (1, 2)"),
    (Check, "position('a' in c) > 0"),
    (Check, "to_char(ts, 'YYYY') = '2020'"),
    (Check, "c::varchar(3) = 'ab'"),
    (Check, "ch::varchar = 'x'"),
    (Check, "n::int > 0"),
    (Check, "1.5::numeric(3,1) < n"),
    (Check, "d::char(2) = 'ab'"),
    (Check, "extract(year from dt) > 2000"),
    (Check, "date_part('year', ts) > 2000"),
    (IndexKey, "case a when 1 then 'x' else 'y' end"),
    (IndexKey, "-(a + 1)"),
    (IndexKey, "a::numeric + 1"),
    (IndexKey, "ts::date"),
    (TriggerWhen, "new.pi > 0"),
    (TriggerWhen, "pg_trigger_depth() < 1"),
];

fn parse(text: &str) -> sqlparser::ast::Expr {
    Parser::new(&RetortDialect)
        .try_with_sql(text)
        .and_then(|mut p| p.parse_expr())
        .unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn canon(kind: Kind, text: &str) -> Result<String, ExprError> {
    let expr = parse(text);
    let table = TestScope { domain: None };
    match kind {
        Default(t) | DomainDefault(t) => canonicalize(
            &expr,
            &Role::Default {
                target: resolved(t),
            },
            &table,
        ),
        Generated(t) => canonicalize(
            &expr,
            &Role::Generated {
                target: resolved(t),
            },
            &table,
        ),
        Check => canonicalize(&expr, &Role::Check, &table),
        DomainCheck(base) => canonicalize(&expr, &Role::Check, &TestScope { domain: Some(base) }),
        IndexKey => canonicalize(&expr, &Role::IndexKey, &table),
        IndexPredicate | Policy | TriggerWhen => canonicalize(&expr, &Role::Predicate, &table),
    }
}

/// Stores every case on the server and returns its text as the catalog reader sees it.
async fn server_texts(cases: &[(Kind, &str)]) -> Vec<Option<String>> {
    let db = TestDb::new().await;
    let client = db.client().await;
    client.batch_execute(SETUP).await.expect("setup");
    let mut out = Vec::new();
    // Trigger conditions are read through the catalog reader itself (it cuts them out of
    // pg_get_triggerdef), once every case is stored.
    let mut triggers = Vec::new();
    for (i, (kind, text)) in cases.iter().enumerate() {
        let ddl = match kind {
            Default(t) => format!("ALTER TABLE public.t ADD COLUMN x{i} {t} DEFAULT {text}"),
            Generated(t) => format!(
                "ALTER TABLE public.t ADD COLUMN x{i} {t} GENERATED ALWAYS AS ({text}) STORED"
            ),
            Check => format!("ALTER TABLE public.t ADD CONSTRAINT x{i} CHECK ({text})"),
            IndexKey => format!("CREATE INDEX x{i} ON public.t (({text}))"),
            IndexPredicate => format!("CREATE INDEX x{i} ON public.t (a) WHERE {text}"),
            Policy => format!("CREATE POLICY x{i} ON public.t USING ({text})"),
            TriggerWhen => format!(
                "CREATE TRIGGER x{i} BEFORE UPDATE ON public.t FOR EACH ROW WHEN ({text}) \
                 EXECUTE FUNCTION public.trg()"
            ),
            DomainDefault(b) => format!("CREATE DOMAIN public.x{i} AS {b} DEFAULT {text}"),
            DomainCheck(b) => format!("CREATE DOMAIN public.x{i} AS {b} CHECK ({text})"),
        };
        if let Err(e) = client
            .batch_execute(&format!("SET search_path = public; {ddl}"))
            .await
        {
            eprintln!("rejected by the server: {ddl}: {e}");
            out.push(None);
            continue;
        }
        client
            // As the catalog reader reads: no search path, time stamps in UTC.
            .batch_execute("SET search_path = ''; SET TimeZone = 'UTC'")
            .await
            .expect("search_path");
        let name = format!("x{i}");
        if matches!(kind, TriggerWhen) {
            triggers.push((out.len(), name));
            out.push(None);
            continue;
        }
        let query = match kind {
            Default(_) | Generated(_) => {
                "SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attrdef d \
                 JOIN pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum \
                 WHERE d.adrelid = 'public.t'::pg_catalog.regclass AND a.attname = $1"
            }
            Check => {
                "SELECT pg_catalog.pg_get_expr(conbin, conrelid) FROM pg_catalog.pg_constraint \
                 WHERE conrelid = 'public.t'::pg_catalog.regclass AND conname = $1"
            }
            IndexKey => {
                "SELECT pg_catalog.pg_get_indexdef(indexrelid, 1, true) FROM pg_catalog.pg_index \
                 WHERE indexrelid = ('public.' || $1)::pg_catalog.regclass"
            }
            IndexPredicate => {
                "SELECT pg_catalog.pg_get_expr(indpred, indrelid) FROM pg_catalog.pg_index \
                 WHERE indexrelid = ('public.' || $1)::pg_catalog.regclass"
            }
            Policy => {
                "SELECT pg_catalog.pg_get_expr(polqual, polrelid) FROM pg_catalog.pg_policy \
                 WHERE polname = $1"
            }
            TriggerWhen => unreachable!("read below"),
            DomainDefault(_) => {
                "SELECT pg_catalog.pg_get_expr(typdefaultbin, 'pg_catalog.pg_type'::pg_catalog.regclass) \
                 FROM pg_catalog.pg_type WHERE typname = $1"
            }
            DomainCheck(_) => {
                "SELECT pg_catalog.pg_get_expr(c.conbin, 0) FROM pg_catalog.pg_constraint c \
                 JOIN pg_catalog.pg_type t ON t.oid = c.contypid WHERE t.typname = $1"
            }
        };
        let row = client
            .query_one(query, &[&name])
            .await
            .unwrap_or_else(|e| panic!("{query}: {e:?}"));
        let text: Option<String> = row.get(0);
        let text = text.unwrap_or_else(|| panic!("no stored text for {ddl}"));
        out.push(Some(match kind {
            IndexKey => retort_catalog::text::strip_outer_parens(&text),
            _ => text,
        }));
    }
    if !triggers.is_empty() {
        let read = retort_introspect::introspect(
            &client,
            &retort_introspect::IntrospectOptions::default(),
        )
        .await
        .expect("introspects");
        for (at, name) in triggers {
            let id = retort_catalog::TriggerId {
                table: retort_catalog::QualifiedName::new("public", "t"),
                name: retort_catalog::Ident::new(name.as_str()),
            };
            let when = read.catalog.triggers.get(&id).and_then(|t| t.when.clone());
            out[at] = Some(
                when.unwrap_or_else(|| panic!("no WHEN for trigger {name}"))
                    .0,
            );
        }
    }
    out
}

#[tokio::test]
async fn canonical_expressions_match_the_server() {
    if !retort_testkit::server_is_major(15, "canonical_expressions_match_the_server").await {
        return;
    }
    let expected = server_texts(CASES).await;
    let mut failures = Vec::new();
    for ((kind, text), want) in CASES.iter().zip(&expected) {
        let Some(want) = want else {
            failures.push(format!("{kind:?} {text}: rejected by the server"));
            continue;
        };
        match canon(*kind, text) {
            Ok(got) if got == want.as_str() => {}
            Ok(got) => failures.push(format!(
                "{kind:?} {text}\n  server: {want}\n  offline: {got}"
            )),
            Err(e) => failures.push(format!("{kind:?} {text}\n  server: {want}\n  error: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
    assert!(CASES.len() >= 150);
}

/// Measured: how many of [`MAYBE`] are answered (and then agree with the server).
const MAYBE_OK_FLOOR: usize = 31;

#[tokio::test]
async fn refused_or_right() {
    if !retort_testkit::server_is_major(15, "refused_or_right").await {
        return;
    }
    let expected = server_texts(MAYBE).await;
    let mut wrong = Vec::new();
    let mut ok = 0;
    for ((kind, text), want) in MAYBE.iter().zip(&expected) {
        let result = canon(*kind, text);
        let Some(want) = want else {
            // PostgreSQL rejects it; canonicalize may say anything but must not panic.
            continue;
        };
        if let Ok(got) = result {
            if got == want.as_str() {
                ok += 1;
            } else {
                wrong.push(format!(
                    "{kind:?} {text}\n  server: {want}\n  offline: {got}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "wrong text:\n{}", wrong.join("\n"));
    assert!(ok >= MAYBE_OK_FLOOR, "{ok} answered");
    eprintln!("{ok} of {} answered", MAYBE.len());
}

#[test]
fn unparsable_scope_names_are_errors() {
    // Unknown columns, functions and types are refused, never printed.
    for text in ["zz > 0", "nosuch(a)", "a::nosuch", "other.zz = 1"] {
        assert!(canon(Check, text).is_err(), "{text}");
    }
}

/// A table column of the citext extension's type, the extension in schema `extensions`
/// (off the search path unless `on_path`).
struct CitextScope {
    on_path: bool,
}

fn citext() -> ResolvedType {
    ResolvedType {
        sql: "extensions.citext".into(),
        kind: TypeKind::Other,
    }
}

impl Scope for CitextScope {
    fn column(&self, qualifier: Option<&str>, name: &str) -> Option<ResolvedType> {
        (matches!(qualifier, None | Some("ct")) && name == "email").then(citext)
    }

    fn user_type(&self, schema: Option<&str>, name: &str) -> Option<ResolvedType> {
        match (schema, name) {
            (Some("extensions"), "citext") => Some(citext()),
            (None, "citext") if self.on_path => Some(citext()),
            _ => None,
        }
    }

    fn function(
        &self,
        _schema: Option<&str>,
        _name: &str,
        _args: &[ResolvedType],
    ) -> Option<(String, ResolvedType)> {
        None
    }

    fn domain_check(&self) -> Option<bool> {
        Some(false)
    }
}

/// CHECK conditions on a citext column, resolved through its casts to text.
const CITEXT_CASES: &[&str] = &[
    "email <> ''",
    "email = 'x'",
    "length(email) > 1",
    "lower(email) = 'a'",
];

/// citext's own operators named with its schema: both sides become citext.
const CITEXT_OPERATOR_CASES: &[&str] = &[
    "email OPERATOR(extensions.~~) '%@%'",
    "email OPERATOR(extensions.=) 'x'",
    "email OPERATOR(extensions.<>) email",
];

/// What the server stores for CHECK (`text`) on `public.ct`, as the catalog reader prints it.
async fn citext_server_text(db: &TestDb, i: usize, text: &str) -> String {
    let client = db.client().await;
    client
        .batch_execute(&format!(
            "SET search_path = public; ALTER TABLE public.ct ADD CONSTRAINT c{i} CHECK ({text})"
        ))
        .await
        .unwrap_or_else(|e| panic!("{text}: {e:?}"));
    client
        .batch_execute("SET search_path = ''")
        .await
        .expect("search_path");
    client
        .query_one(
            "SELECT pg_catalog.pg_get_expr(conbin, conrelid) FROM pg_catalog.pg_constraint \
             WHERE conrelid = 'public.ct'::pg_catalog.regclass AND conname = $1",
            &[&format!("c{i}")],
        )
        .await
        .expect("constraint")
        .get(0)
}

#[tokio::test]
async fn citext_off_the_search_path_matches_the_server() {
    if !retort_testkit::server_is_major(15, "citext_off_the_search_path_matches_the_server").await {
        return;
    }
    let db = TestDb::new().await;
    let client = db.client().await;
    client
        .batch_execute(
            "CREATE SCHEMA extensions; CREATE EXTENSION citext SCHEMA extensions; \
             CREATE TABLE public.ct (email extensions.citext);",
        )
        .await
        .expect("setup");
    let mut failures = Vec::new();
    let all = CITEXT_CASES
        .iter()
        .map(|t| (t, true))
        .chain(CITEXT_OPERATOR_CASES.iter().map(|t| (t, false)));
    for (i, (text, refused_on_path)) in all.enumerate() {
        let want = citext_server_text(&db, i, text).await;
        match canonicalize(&parse(text), &Role::Check, &CitextScope { on_path: false }) {
            Ok(got) if got == want => {}
            Ok(got) => failures.push(format!("{text}\n  server: {want}\n  offline: {got}")),
            Err(e) => failures.push(format!("{text}\n  server: {want}\n  error: {e}")),
        }
        // With the extension's schema on the search path its own operators would be chosen.
        if refused_on_path {
            assert!(
                canonicalize(&parse(text), &Role::Check, &CitextScope { on_path: true }).is_err(),
                "{text} must be refused with citext on the search path"
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!(
        "{} citext cases reproduced",
        CITEXT_CASES.len() + CITEXT_OPERATOR_CASES.len()
    );
}
