//! Rendering hand-built catalogs: the script text for each object kind, the creation order,
//! determinism, and the errors.

mod common;

use std::collections::BTreeMap;

use common::*;
use retort_catalog::*;
use retort_sql::{RenderError, render_catalog};

fn render(catalog: &Catalog) -> String {
    render_catalog(catalog).expect("catalog renders")
}

#[test]
fn header_sets_up_the_session() {
    let script = render(&Catalog::default());
    insta::assert_snapshot!(script, @"
    -- Schema script produced by `retort inspect`: loaded into an empty database (with psql or as
    -- one batch), it recreates the inspected schema.
    SET check_function_bodies = false;
    SET client_min_messages = warning;
    SET standard_conforming_strings = on;
    SELECT pg_catalog.set_config('search_path', '', false);
    ");
}

#[test]
fn schemas_and_extensions() {
    let mut catalog = Catalog::default();
    catalog.insert(Schema {
        name: Ident::new("extensions"),
        comment: Some("Extensions' home".into()),
    });
    catalog.insert(schema("Odd \"Schema\""));
    catalog.insert(schema("public"));
    catalog.insert(Extension {
        name: Ident::new("uuid-ossp"),
        schema: Ident::new("extensions"),
        version: "1.1".into(),
        requires: vec![],
        comment: None,
    });
    catalog.insert(Extension {
        name: Ident::new("citext"),
        schema: Ident::new("extensions"),
        version: "1.6".into(),
        requires: vec![],
        comment: Some("case-insensitive, it's handy".into()),
    });
    insta::assert_snapshot!(body(&render(&catalog)), @r#"
    CREATE SCHEMA IF NOT EXISTS "Odd ""Schema""";
    CREATE SCHEMA IF NOT EXISTS extensions;
    COMMENT ON SCHEMA extensions IS 'Extensions'' home';
    CREATE SCHEMA IF NOT EXISTS public;
    COMMENT ON SCHEMA public IS NULL;

    CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA extensions VERSION '1.6';
    COMMENT ON EXTENSION citext IS 'case-insensitive, it''s handy';
    CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA extensions VERSION '1.1';
    "#);
}

#[test]
fn types_in_dependency_order() {
    let mut catalog = Catalog::default();
    catalog.insert(EnumType {
        name: qn("app", "Mood"),
        labels: vec!["sad".into(), "it's ok".into(), "happy ✓".into()],
        comment: Some("Feelings".into()),
    });
    let mut checks = BTreeMap::new();
    for (name, expression, not_valid) in [
        ("positive", "(VALUE > 0)", false),
        ("below a million", "(VALUE < 1000000)", false),
        ("odd", "((VALUE % 2) = 1)", true),
    ] {
        checks.insert(
            Ident::new(name),
            DomainCheck {
                name: Ident::new(name),
                expression: expr(expression),
                not_valid,
                comment: (name == "odd").then(|| "not validated".to_owned()),
            },
        );
    }
    catalog.insert(Domain {
        name: qn("app", "zz_positive"),
        base_type: TypeRef::builtin("integer"),
        collation: None,
        default: Some(expr("1")),
        not_null: true,
        checks,
        comment: None,
    });
    catalog.insert(Domain {
        name: qn("app", "code"),
        base_type: TypeRef::builtin("text"),
        collation: Some(qn("pg_catalog", "C")),
        default: None,
        not_null: false,
        checks: BTreeMap::new(),
        comment: None,
    });
    // Sorts first by name but needs the domain and the enum.
    catalog.insert(CompositeType {
        name: qn("app", "a_card"),
        attributes: vec![
            CompositeAttribute {
                name: Ident::new("amount"),
                data_type: user_type("app.zz_positive", "app", "zz_positive"),
                collation: None,
                comment: Some("How many".into()),
            },
            CompositeAttribute {
                name: Ident::new("moods"),
                data_type: user_type("app.\"Mood\"[]", "app", "Mood"),
                collation: None,
                comment: None,
            },
            CompositeAttribute {
                name: Ident::new("label"),
                data_type: TypeRef::builtin("text"),
                collation: Some(qn("pg_catalog", "POSIX")),
                comment: None,
            },
        ],
        comment: None,
    });
    catalog.insert(CompositeType {
        name: qn("app", "nothing"),
        attributes: vec![],
        comment: None,
    });
    insta::assert_snapshot!(body(&render(&catalog)), @r#"
    CREATE TYPE app."Mood" AS ENUM (
        'sad',
        'it''s ok',
        'happy ✓'
    );
    CREATE DOMAIN app.code AS text COLLATE pg_catalog."C";
    CREATE TYPE app.nothing AS ();
    CREATE DOMAIN app.zz_positive AS integer DEFAULT 1 NOT NULL
        CONSTRAINT "below a million" CHECK ((VALUE < 1000000))
        CONSTRAINT positive CHECK ((VALUE > 0));
    ALTER DOMAIN app.zz_positive ADD CONSTRAINT odd CHECK (((VALUE % 2) = 1)) NOT VALID;
    CREATE TYPE app.a_card AS (
        amount app.zz_positive,
        moods app."Mood"[],
        label text COLLATE pg_catalog."POSIX"
    );

    COMMENT ON TYPE app."Mood" IS 'Feelings';
    COMMENT ON CONSTRAINT odd ON DOMAIN app.zz_positive IS 'not validated';
    COMMENT ON COLUMN app.a_card.amount IS 'How many';
    "#);
}

#[test]
fn sequences_come_first_and_are_owned_after_the_tables() {
    let mut catalog = Catalog::default();
    catalog.insert(Sequence {
        name: qn("app", "Odd \"Seq\""),
        options: SequenceOptions {
            data_type: "smallint".into(),
            start: 10,
            increment: -5,
            min_value: -30000,
            max_value: 100,
            cache: 3,
            cycle: true,
        },
        unlogged: true,
        owned_by: Some(ColumnRef {
            table: qn("app", "t"),
            column: Ident::new("n"),
        }),
        comment: Some("Counts down".into()),
    });
    catalog.insert(Domain {
        name: qn("app", "ticket"),
        base_type: TypeRef::builtin("smallint"),
        collation: None,
        default: Some(expr("nextval('app.\"Odd \"\"Seq\"\"\"'::regclass)")),
        not_null: false,
        checks: BTreeMap::new(),
        comment: None,
    });
    catalog.insert(table("app", "t", vec![col("n", "smallint")]));
    insta::assert_snapshot!(body(&render(&catalog)), @r#"
    CREATE UNLOGGED SEQUENCE app."Odd ""Seq""" AS smallint START WITH 10 INCREMENT BY -5 MINVALUE -30000 MAXVALUE 100 CACHE 3 CYCLE;

    CREATE DOMAIN app.ticket AS smallint DEFAULT nextval('app."Odd ""Seq"""'::regclass);

    CREATE TABLE app.t (
        n smallint
    );

    ALTER SEQUENCE app."Odd ""Seq""" OWNED BY app.t.n;

    COMMENT ON SEQUENCE app."Odd ""Seq""" IS 'Counts down';
    "#);
}

#[test]
fn every_column_form() {
    let mut accounts = table(
        "app",
        "UserAccounts",
        vec![
            Column {
                not_null: true,
                identity: Some(identity(
                    IdentityKind::Always,
                    qn("app", "UserAccounts_id_seq"),
                    SequenceOptions {
                        data_type: "bigint".into(),
                        start: 1000,
                        increment: 10,
                        min_value: 1000,
                        max_value: 9_999_999,
                        cache: 5,
                        cycle: true,
                    },
                )),
                ..col("id", "bigint")
            },
            Column {
                not_null: true,
                identity: Some(identity(
                    IdentityKind::ByDefault,
                    qn("app", "UserAccounts_n_seq"),
                    seq_options("integer", 1, 2_147_483_647),
                )),
                ..col("n", "integer")
            },
            Column {
                collation: Some(qn("pg_catalog", "C")),
                not_null: true,
                default: Some(expr("'it''s'::text")),
                ..col("select", "text")
            },
            Column {
                generated: Some(Generated {
                    kind: GeneratedKind::Stored,
                    expression: expr("lower(\"select\")"),
                }),
                // What a careless reader might also fill in: never rendered twice.
                default: Some(expr("lower(\"select\")")),
                ..col("lower select", "text")
            },
            Column {
                default: Some(expr("'{}'::integer[]")),
                ..col("say \"hi\"", "integer[]")
            },
            Column {
                data_type: user_type("extensions.citext", "extensions", "citext"),
                ..col("email", "")
            },
        ],
    );
    accounts.unlogged = true;
    accounts.options = vec!["autovacuum_enabled=false".into(), "fillfactor=70".into()];
    let accounts = with_constraints(
        accounts,
        vec![
            check("n_positive", "(n > 0)"),
            Constraint {
                kind: ConstraintKind::Check {
                    expression: expr("(n < 100)"),
                    no_inherit: true,
                },
                ..check("n_small", "")
            },
            Constraint {
                not_valid: true,
                ..check("later", "(email IS NOT NULL)")
            },
        ],
    );
    let mut catalog = Catalog::default();
    catalog.insert(accounts);
    catalog.insert(table("app", "empty", vec![]));
    insta::assert_snapshot!(body(&render(&catalog)), @r#"
    CREATE UNLOGGED TABLE app."UserAccounts" (
        id bigint GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME app."UserAccounts_id_seq" START WITH 1000 INCREMENT BY 10 MINVALUE 1000 MAXVALUE 9999999 CACHE 5 CYCLE) NOT NULL,
        n integer GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME app."UserAccounts_n_seq" START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 CACHE 1 NO CYCLE) NOT NULL,
        "select" text COLLATE pg_catalog."C" DEFAULT 'it''s'::text NOT NULL,
        "lower select" text GENERATED ALWAYS AS (lower("select")) STORED,
        "say ""hi""" integer[] DEFAULT '{}'::integer[],
        email extensions.citext,
        CONSTRAINT n_positive CHECK ((n > 0)),
        CONSTRAINT n_small CHECK ((n < 100)) NO INHERIT
    ) WITH (autovacuum_enabled='false', fillfactor='70');
    CREATE TABLE app.empty ();

    ALTER TABLE app."UserAccounts" ADD CONSTRAINT later CHECK ((email IS NOT NULL)) NOT VALID;
    "#);
}

#[test]
fn partitions_and_inheritance_children_get_what_they_do_not_inherit() {
    let mut parent = table(
        "app",
        "measurements",
        vec![
            Column {
                not_null: true,
                identity: Some(identity(
                    IdentityKind::ByDefault,
                    qn("app", "measurements_id_seq"),
                    seq_options("bigint", 1, i64::MAX),
                )),
                ..col("id", "bigint")
            },
            Column {
                not_null: true,
                ..col("logdate", "date")
            },
            Column {
                default: Some(expr("0")),
                ..col("peak", "integer")
            },
            Column {
                default: Some(expr("'eu'::text")),
                ..col("region", "text")
            },
            col("note", "text"),
        ],
    );
    parent.partition_by = Some(PartitionKey {
        strategy: PartitionStrategy::Range,
        key: "logdate".into(),
    });
    let parent = with_constraints(parent, vec![check("peak_sane", "(peak < 100)")]);

    let inherited = |c: &Column| Column {
        inherited: true,
        ..c.clone()
    };
    // Same as the parent: nothing beyond CREATE TABLE .. PARTITION OF.
    let mut plain = table(
        "app",
        "m_2024",
        parent.columns.iter().map(inherited).collect(),
    );
    plain.partition_of = Some(PartitionOf {
        parent: qn("app", "measurements"),
        bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')".into(),
    });
    // Sub-partitioned, with its own check, another default, a default dropped, NOT NULL added;
    // the parent's identity is not repeated (PostgreSQL 17 gives it to partitions itself).
    let mut columns: Vec<Column> = parent.columns.iter().map(inherited).collect();
    columns[0].identity = parent.columns[0].identity.clone();
    columns[2].default = Some(expr("5"));
    columns[3].default = None;
    columns[4].not_null = true;
    let mut differs = table("app", "m 2025", columns);
    differs.partition_of = Some(PartitionOf {
        parent: qn("app", "measurements"),
        bound: "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')".into(),
    });
    differs.partition_by = Some(PartitionKey {
        strategy: PartitionStrategy::List,
        key: "region".into(),
    });
    let differs = with_constraints(differs, vec![check("note isn't x", "(note <> 'x'::text)")]);
    // A partition of the sub-partitioned table, listed before it by name.
    let mut sub = table("app", "m 2025 eu", differs.columns.clone());
    sub.partition_of = Some(PartitionOf {
        parent: qn("app", "m 2025"),
        bound: "FOR VALUES IN ('eu')".into(),
    });
    sub.unlogged = true;
    sub.options = vec!["fillfactor=90".into()];

    // Inheritance: a local column merged with a parent's (keeps its own default), an inherited
    // one with a default dropped, NOT NULL and identity added, and a new local column.
    let vehicles = table(
        "app",
        "vehicles",
        vec![
            Column {
                not_null: true,
                ..col("id", "integer")
            },
            Column {
                default: Some(expr("'unnamed'::text")),
                ..col("name", "text")
            },
            Column {
                default: Some(expr("now()")),
                ..col("registered_at", "timestamp with time zone")
            },
        ],
    );
    let mut cars = table(
        "app",
        "cars",
        vec![
            Column {
                inherited: true,
                not_null: true,
                identity: Some(identity(
                    IdentityKind::ByDefault,
                    qn("app", "car_ids"),
                    seq_options("integer", 5, 2_147_483_647),
                )),
                ..col("id", "integer")
            },
            Column {
                not_null: true,
                default: Some(expr("'car'::text")),
                ..col("name", "text")
            },
            Column {
                inherited: true,
                ..col("registered_at", "timestamp with time zone")
            },
            col("doors", "integer"),
        ],
    );
    cars.inherits = vec![qn("app", "vehicles")];
    // A declared column merged with the parent's default-less column, keeping the parent's
    // default because it declares none.
    let mut trucks = table(
        "app",
        "trucks",
        vec![
            Column {
                inherited: true,
                not_null: true,
                ..col("id", "integer")
            },
            Column {
                default: Some(expr("'unnamed'::text")),
                ..col("name", "text")
            },
            Column {
                inherited: true,
                default: Some(expr("now()")),
                ..col("registered_at", "timestamp with time zone")
            },
        ],
    );
    trucks.inherits = vec![qn("app", "vehicles")];
    trucks.columns[1].default = None;

    let mut catalog = Catalog::default();
    for t in [parent, plain, differs, sub, vehicles, cars, trucks] {
        catalog.insert(t);
    }
    insta::assert_snapshot!(body(&render(&catalog)), @r#"
    CREATE TABLE app.measurements (
        id bigint GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME app.measurements_id_seq START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 CACHE 1 NO CYCLE) NOT NULL,
        logdate date NOT NULL,
        peak integer DEFAULT 0,
        region text DEFAULT 'eu'::text,
        note text,
        CONSTRAINT peak_sane CHECK ((peak < 100))
    ) PARTITION BY RANGE (logdate);
    CREATE TABLE app."m 2025" PARTITION OF app.measurements (
        CONSTRAINT "note isn't x" CHECK ((note <> 'x'::text))
    ) FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (region);
    ALTER TABLE app."m 2025" ALTER COLUMN peak SET DEFAULT 5;
    ALTER TABLE app."m 2025" ALTER COLUMN region DROP DEFAULT;
    ALTER TABLE app."m 2025" ALTER COLUMN note SET NOT NULL;
    CREATE UNLOGGED TABLE app."m 2025 eu" PARTITION OF app."m 2025" FOR VALUES IN ('eu') WITH (fillfactor='90');
    CREATE TABLE app.m_2024 PARTITION OF app.measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
    CREATE TABLE app.vehicles (
        id integer NOT NULL,
        name text DEFAULT 'unnamed'::text,
        registered_at timestamp with time zone DEFAULT now()
    );
    CREATE TABLE app.cars (
        name text DEFAULT 'car'::text NOT NULL,
        doors integer
    ) INHERITS (app.vehicles);
    ALTER TABLE app.cars ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME app.car_ids START WITH 5 INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 CACHE 1 NO CYCLE);
    ALTER TABLE app.cars ALTER COLUMN registered_at DROP DEFAULT;
    CREATE TABLE app.trucks (
        name text
    ) INHERITS (app.vehicles);
    ALTER TABLE app.trucks ALTER COLUMN name DROP DEFAULT;
    "#);
}

#[test]
fn keys_foreign_keys_and_indexes() {
    let accounts = with_constraints(
        table(
            "app",
            "accounts",
            vec![
                col("id", "bigint"),
                col("email", "text"),
                col("kind", "text"),
                col("parent_id", "bigint"),
            ],
        ),
        vec![
            Constraint {
                kind: ConstraintKind::PrimaryKey {
                    columns: idents(&["id"]),
                    include: idents(&["kind"]),
                    index_options: vec!["fillfactor=90".into()],
                },
                ..primary_key("accounts_pkey", &[])
            },
            Constraint {
                kind: ConstraintKind::Unique {
                    columns: idents(&["email", "kind"]),
                    include: vec![],
                    nulls_not_distinct: true,
                    index_options: vec![],
                },
                deferrable: true,
                ..primary_key("email kind", &[])
            },
            Constraint {
                kind: ConstraintKind::ForeignKey {
                    columns: idents(&["parent_id", "kind"]),
                    references: qn("app", "accounts"),
                    referenced_columns: idents(&["id", "kind"]),
                    match_type: MatchType::Full,
                    on_update: ReferentialAction::Cascade,
                    on_delete: ReferentialAction::SetNull,
                    on_delete_columns: idents(&["parent_id"]),
                },
                deferrable: true,
                initially_deferred: true,
                not_valid: true,
                comment: Some("Self reference".into()),
                ..primary_key("parent_fk", &[])
            },
        ],
    );
    let mut bookings = with_constraints(
        table(
            "app",
            "bookings",
            vec![
                col("room", "text"),
                col("during", "tstzrange"),
                col("cancelled", "boolean"),
            ],
        ),
        vec![Constraint {
            kind: ConstraintKind::Exclusion {
                method: "gist".into(),
                elements: vec![
                    ExclusionElement {
                        key: key("room"),
                        operator: "=".into(),
                        operator_schema: None,
                    },
                    ExclusionElement {
                        key: key("during"),
                        operator: "&&".into(),
                        operator_schema: Some(Ident::new("My Ops")),
                    },
                ],
                include: idents(&["cancelled"]),
                predicate: Some(expr("(NOT cancelled)")),
                index_options: vec!["fillfactor=80".into()],
            },
            deferrable: true,
            initially_deferred: true,
            ..primary_key("no overlap", &[])
        }],
    );
    bookings.partition_by = Some(PartitionKey {
        strategy: PartitionStrategy::Hash,
        key: "room".into(),
    });
    let mut catalog = Catalog::default();
    catalog.insert(accounts);
    catalog.insert(bookings);
    // The index PostgreSQL builds for the primary key is not created twice.
    catalog.insert(index("app", "accounts_pkey", "accounts", vec![key("id")]));
    let mut by_email = index(
        "app",
        "by email",
        "accounts",
        vec![
            IndexElement {
                collation: Some(qn("pg_catalog", "C")),
                opclass: Some(qn("pg_catalog", "text_pattern_ops")),
                ..key("email")
            },
            IndexElement {
                descending: true,
                nulls_first: false,
                ..expr_key("lower(kind)")
            },
            IndexElement {
                nulls_first: true,
                ..key("id")
            },
        ],
    );
    by_email.unique = true;
    by_email.include = idents(&["parent_id"]);
    by_email.nulls_not_distinct = true;
    by_email.options = vec!["fillfactor=50".into()];
    by_email.predicate = Some(expr("(parent_id IS NOT NULL)"));
    by_email.comment = Some("Lookup by e-mail".into());
    catalog.insert(by_email);
    let mut gin = index("app", "rooms_trgm", "bookings", vec![key("room")]);
    gin.method = "gin".into();
    gin.keys[0].opclass = Some(qn("extensions", "gin_trgm_ops"));
    gin.only = true;
    catalog.insert(gin);
    insta::assert_snapshot!(body(&render(&catalog)), @r#"
    CREATE TABLE app.accounts (
        id bigint,
        email text,
        kind text,
        parent_id bigint
    );
    CREATE TABLE app.bookings (
        room text,
        during tstzrange,
        cancelled boolean
    ) PARTITION BY HASH (room);

    ALTER TABLE ONLY app.accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY (id) INCLUDE (kind) WITH (fillfactor='90');
    ALTER TABLE ONLY app.accounts ADD CONSTRAINT "email kind" UNIQUE NULLS NOT DISTINCT (email, kind) DEFERRABLE;
    ALTER TABLE app.bookings ADD CONSTRAINT "no overlap" EXCLUDE USING gist (room WITH =, during WITH OPERATOR("My Ops".&&)) INCLUDE (cancelled) WITH (fillfactor='80') WHERE ((NOT cancelled)) DEFERRABLE INITIALLY DEFERRED;

    CREATE UNIQUE INDEX "by email" ON app.accounts USING btree (email COLLATE pg_catalog."C" pg_catalog.text_pattern_ops, (lower(kind)) DESC NULLS LAST, id NULLS FIRST) INCLUDE (parent_id) NULLS NOT DISTINCT WITH (fillfactor='50') WHERE ((parent_id IS NOT NULL));
    CREATE INDEX rooms_trgm ON ONLY app.bookings USING gin (room extensions.gin_trgm_ops);

    ALTER TABLE app.accounts ADD CONSTRAINT parent_fk FOREIGN KEY (parent_id, kind) REFERENCES app.accounts (id, kind) MATCH FULL ON UPDATE CASCADE ON DELETE SET NULL (parent_id) DEFERRABLE INITIALLY DEFERRED NOT VALID;

    COMMENT ON CONSTRAINT parent_fk ON app.accounts IS 'Self reference';
    COMMENT ON INDEX app."by email" IS 'Lookup by e-mail';
    "#);
}

#[test]
fn functions_and_procedures() {
    let mut catalog = Catalog::default();
    let mut score = function(
        "app",
        "Compute \"Score\"",
        "\"select\" text, \"Weight\" numeric",
        Some("numeric"),
        "\nBEGIN\n    -- $function$ and $$ appear here\n    RETURN 1;\nEND\n",
    );
    score.arguments = "\"select\" text, \"Weight\" numeric DEFAULT 1.5".into();
    score.volatility = Volatility::Stable;
    score.strict = true;
    score.security_definer = true;
    score.leakproof = true;
    score.parallel = ParallelSafety::Restricted;
    score.cost = "250".into();
    score.config = vec![
        "search_path=\"$user\", public, \"Odd Schema\"".into(),
        "work_mem=64MB".into(),
        "plpgsql.variable_conflict=use_column".into(),
        "application_name=it's".into(),
    ];
    score.comment = Some("Scores.\nSecond line".into());
    catalog.insert(score);

    let mut series = function(
        "app",
        "series",
        "n integer",
        Some("SETOF integer"),
        " SELECT generate_series(1, n) ",
    );
    series.language = Ident::new("sql");
    series.volatility = Volatility::Immutable;
    series.parallel = ParallelSafety::Safe;
    series.rows = "20".into();
    catalog.insert(series);

    let mut double = function(
        "app",
        "double",
        "x integer",
        Some("integer"),
        "RETURN (x * 2)",
    );
    double.language = Ident::new("sql");
    double.sql_body = true;
    double.volatility = Volatility::Immutable;
    catalog.insert(double);

    // Needs `double`, sorts before it.
    let mut a_quad = function(
        "app",
        "a_quad",
        "x integer",
        Some("integer"),
        "RETURN app.double(app.double(x))",
    );
    a_quad.language = Ident::new("sql");
    a_quad.sql_body = true;
    a_quad.depends_on.insert(ObjectRef::Function {
        id: function_id("app", "double", "x integer"),
    });
    catalog.insert(a_quad);

    let mut archive = function(
        "app",
        "archive",
        "IN older_than interval, INOUT moved integer",
        None,
        "BEGIN moved := 0; END",
    );
    archive.arguments = "IN older_than interval, INOUT moved integer DEFAULT 0".into();
    archive.security_definer = true;
    archive.config = vec!["search_path=app, pg_temp".into()];
    archive.comment = Some("Moves rows".into());
    catalog.insert(archive);

    let mut window = function("app", "w", "", Some("bigint"), "window_body");
    window.kind = FunctionKind::Window;
    window.language = Ident::new("c");
    catalog.insert(window);

    insta::assert_snapshot!(body(&render(&catalog)), @r#"
    CREATE FUNCTION app."Compute ""Score"""("select" text, "Weight" numeric DEFAULT 1.5) RETURNS numeric
        LANGUAGE plpgsql STABLE STRICT SECURITY DEFINER LEAKPROOF PARALLEL RESTRICTED COST 250
        SET search_path TO '$user', 'public', 'Odd Schema'
        SET work_mem TO '64MB'
        SET "plpgsql.variable_conflict" TO 'use_column'
        SET application_name TO 'it''s'
        AS $function1$
    BEGIN
        -- $function$ and $$ appear here
        RETURN 1;
    END
    $function1$;
    CREATE PROCEDURE app.archive(IN older_than interval, INOUT moved integer DEFAULT 0)
        LANGUAGE plpgsql SECURITY DEFINER
        SET search_path TO 'app', 'pg_temp'
        AS $function$BEGIN moved := 0; END$function$;
    CREATE FUNCTION app.double(x integer) RETURNS integer
        LANGUAGE sql IMMUTABLE PARALLEL UNSAFE COST 100
    RETURN (x * 2);
    CREATE FUNCTION app.a_quad(x integer) RETURNS integer
        LANGUAGE sql VOLATILE PARALLEL UNSAFE COST 100
    RETURN app.double(app.double(x));
    CREATE FUNCTION app.series(n integer) RETURNS SETOF integer
        LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 100 ROWS 20
        AS $function$ SELECT generate_series(1, n) $function$;
    CREATE FUNCTION app.w() RETURNS bigint
        LANGUAGE c WINDOW VOLATILE PARALLEL UNSAFE COST 100
        AS $function$window_body$function$;

    COMMENT ON FUNCTION app."Compute ""Score"""("select" text, "Weight" numeric) IS 'Scores.
    Second line';
    COMMENT ON PROCEDURE app.archive(IN older_than interval, INOUT moved integer) IS 'Moves rows';
    "#);
}

#[test]
fn views_and_the_functions_that_use_relations_interleave() {
    let mut catalog = Catalog::default();
    catalog.insert(table(
        "app",
        "items",
        vec![col("id", "integer"), col("qty", "integer")],
    ));

    // Early: used by the view, uses no relation.
    let mut quadruple = function(
        "app",
        "quadruple",
        "x integer",
        Some("integer"),
        "RETURN (x * 4)",
    );
    quadruple.language = Ident::new("sql");
    quadruple.sql_body = true;
    catalog.insert(quadruple);

    // Late because its result is a table's row type (string body, no depends_on).
    let mut all_items = function(
        "app",
        "all_items",
        "",
        Some("SETOF app.items"),
        " SELECT * FROM app.items ",
    );
    all_items.language = Ident::new("sql");
    catalog.insert(all_items);

    // Late: reads the view; the second view calls it.
    let mut top = function(
        "app",
        "top",
        "",
        Some("integer"),
        "BEGIN ATOMIC\n SELECT max(v.q4) FROM app.v1 v;\nEND",
    );
    top.language = Ident::new("sql");
    top.sql_body = true;
    top.depends_on.insert(relation("app", "v1"));
    catalog.insert(top);

    catalog.insert(view(
        "app",
        "v1",
        " SELECT items.id,\n    app.quadruple(items.qty) AS q4\n   FROM app.items;",
        vec![
            relation("app", "items"),
            ObjectRef::Function {
                id: function_id("app", "quadruple", "x integer"),
            },
        ],
    ));
    let mut v0 = view(
        "app",
        "v0 \"top\"",
        " SELECT app.top() AS best",
        vec![ObjectRef::Function {
            id: function_id("app", "top", ""),
        }],
    );
    v0.options = vec!["check_option=local".into(), "security_barrier=true".into()];
    v0.comment = Some("The best".into());
    v0.column_comments
        .insert(Ident::new("best"), "It's the best".into());
    catalog.insert(v0);

    let mut totals = view(
        "app",
        "totals",
        "\n SELECT count(*) AS n\n   FROM app.v1;\n",
        vec![relation("app", "v1")],
    );
    totals.materialized = true;
    totals.populated = false;
    totals.options = vec!["fillfactor=50".into()];
    totals.comment = Some("Counted".into());
    catalog.insert(totals);
    catalog.insert(index("app", "totals_n", "totals", vec![key("n")]));
    insta::assert_snapshot!(body(&render(&catalog)), @r#"
    CREATE FUNCTION app.quadruple(x integer) RETURNS integer
        LANGUAGE sql VOLATILE PARALLEL UNSAFE COST 100
    RETURN (x * 4);

    CREATE TABLE app.items (
        id integer,
        qty integer
    );

    CREATE VIEW app.v1 AS
     SELECT items.id,
        app.quadruple(items.qty) AS q4
       FROM app.items;
    CREATE MATERIALIZED VIEW app.totals WITH (fillfactor='50') AS
     SELECT count(*) AS n
       FROM app.v1
    WITH NO DATA;
    CREATE FUNCTION app.all_items() RETURNS SETOF app.items
        LANGUAGE sql VOLATILE PARALLEL UNSAFE COST 100
        AS $function$ SELECT * FROM app.items $function$;
    CREATE FUNCTION app.top() RETURNS integer
        LANGUAGE sql VOLATILE PARALLEL UNSAFE COST 100
    BEGIN ATOMIC
     SELECT max(v.q4) FROM app.v1 v;
    END;
    CREATE VIEW app."v0 ""top""" WITH (check_option=local, security_barrier='true') AS
     SELECT app.top() AS best;

    CREATE INDEX totals_n ON app.totals USING btree (n);

    COMMENT ON MATERIALIZED VIEW app.totals IS 'Counted';
    COMMENT ON VIEW app."v0 ""top""" IS 'The best';
    COMMENT ON COLUMN app."v0 ""top""".best IS 'It''s the best';
    "#);
}

#[test]
fn triggers_and_policies() {
    let mut catalog = Catalog::default();
    let mut items = table(
        "app",
        "order items",
        vec![col("qty", "integer"), col("name", "text")],
    );
    items.row_security = true;
    items.force_row_security = true;
    items.policies.insert(
        Ident::new("everyone"),
        Policy {
            name: Ident::new("everyone"),
            command: PolicyCommand::Select,
            permissive: true,
            roles: idents(&["public"]),
            using: Some(expr("true")),
            with_check: None,
            comment: Some("Readable by all".into()),
        },
    );
    items.policies.insert(
        Ident::new("app \"writes\""),
        Policy {
            name: Ident::new("app \"writes\""),
            command: PolicyCommand::Update,
            permissive: false,
            roles: idents(&["Admins", "retort_app"]),
            using: Some(expr("(qty > 0)")),
            with_check: Some(expr("(qty < 1000)")),
            comment: None,
        },
    );
    catalog.insert(items);
    catalog.insert(table("app", "log", vec![col("id", "integer")]));
    catalog.insert(view("app", "v", " SELECT 1 AS x", vec![]));
    let f = qn("app", "log_change");

    let mut t = trigger("app", "order items", "qty \"changed\"", f.clone());
    t.timing = TriggerTiming::After;
    t.events = vec![
        TriggerEvent::Insert,
        TriggerEvent::Update(idents(&["qty", "name"])),
        TriggerEvent::Delete,
    ];
    t.when = Some(expr("(old.qty IS DISTINCT FROM new.qty)"));
    t.arguments = vec!["it's".into(), "back\\slash".into(), "".into()];
    t.comment = Some("Logs".into());
    catalog.insert(t);

    let mut t = trigger("app", "order items", "statement", f.clone());
    t.timing = TriggerTiming::After;
    t.events = vec![TriggerEvent::Update(vec![])];
    t.for_each_row = false;
    t.old_table = Some(Ident::new("old rows"));
    t.new_table = Some(Ident::new("new_rows"));
    t.enabled = TriggerEnabled::Disabled;
    catalog.insert(t);

    let mut t = trigger("app", "order items", "checked", f.clone());
    t.timing = TriggerTiming::After;
    t.constraint = Some(ConstraintTrigger {
        referenced_table: Some(qn("app", "log")),
        deferrable: true,
        initially_deferred: true,
    });
    t.enabled = TriggerEnabled::Replica;
    catalog.insert(t);

    let mut t = trigger("app", "log", "always", f.clone());
    t.timing = TriggerTiming::After;
    t.events = vec![TriggerEvent::Truncate];
    t.for_each_row = false;
    t.enabled = TriggerEnabled::Always;
    catalog.insert(t);

    let mut t = trigger("app", "v", "instead", f);
    t.timing = TriggerTiming::InsteadOf;
    catalog.insert(t);
    insta::assert_snapshot!(body(&render(&catalog)), @r#"
    CREATE TABLE app.log (
        id integer
    );
    CREATE TABLE app."order items" (
        qty integer,
        name text
    );

    CREATE VIEW app.v AS
     SELECT 1 AS x;

    CREATE TRIGGER always AFTER TRUNCATE ON app.log FOR EACH STATEMENT EXECUTE FUNCTION app.log_change();
    CREATE CONSTRAINT TRIGGER checked AFTER INSERT ON app."order items" FROM app.log DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION app.log_change();
    CREATE TRIGGER "qty ""changed""" AFTER INSERT OR UPDATE OF qty, name OR DELETE ON app."order items" FOR EACH ROW WHEN ((old.qty IS DISTINCT FROM new.qty)) EXECUTE FUNCTION app.log_change('it''s', 'back\slash', '');
    CREATE TRIGGER statement AFTER UPDATE ON app."order items" REFERENCING OLD TABLE AS "old rows" NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.log_change();
    CREATE TRIGGER instead INSTEAD OF INSERT ON app.v FOR EACH ROW EXECUTE FUNCTION app.log_change();
    ALTER TABLE app.log ENABLE ALWAYS TRIGGER always;
    ALTER TABLE app."order items" ENABLE REPLICA TRIGGER checked;
    ALTER TABLE app."order items" DISABLE TRIGGER statement;

    ALTER TABLE app."order items" ENABLE ROW LEVEL SECURITY;
    ALTER TABLE app."order items" FORCE ROW LEVEL SECURITY;
    CREATE POLICY "app ""writes""" ON app."order items" AS RESTRICTIVE FOR UPDATE TO "Admins", retort_app USING ((qty > 0)) WITH CHECK ((qty < 1000));
    CREATE POLICY everyone ON app."order items" AS PERMISSIVE FOR SELECT TO PUBLIC USING (true);

    COMMENT ON POLICY everyone ON app."order items" IS 'Readable by all';
    COMMENT ON TRIGGER "qty ""changed""" ON app."order items" IS 'Logs';
    "#);
}

#[test]
fn comments_on_columns_constraints_and_indexes() {
    let mut catalog = Catalog::default();
    let mut t = with_constraints(
        table(
            "app",
            "t",
            vec![Column {
                comment: Some("Line one\nline 'two' ✓".into()),
                ..col("user", "text")
            }],
        ),
        vec![Constraint {
            comment: Some("No blanks".into()),
            ..check("not blank", "(\"user\" <> ''::text)")
        }],
    );
    t.comment = Some("A table".into());
    catalog.insert(t);
    let mut i = index("app", "t_user", "t", vec![key("user")]);
    i.comment = Some("By user".into());
    catalog.insert(i);
    catalog.insert(Sequence {
        name: qn("app", "s"),
        options: seq_options("bigint", 1, i64::MAX),
        unlogged: false,
        owned_by: None,
        comment: Some("A sequence".into()),
    });
    insta::assert_snapshot!(body(&render(&catalog)), @r#"
    CREATE SEQUENCE app.s AS bigint START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 CACHE 1 NO CYCLE;

    CREATE TABLE app.t (
        "user" text,
        CONSTRAINT "not blank" CHECK (("user" <> ''::text))
    );

    CREATE INDEX t_user ON app.t USING btree ("user");

    COMMENT ON SEQUENCE app.s IS 'A sequence';
    COMMENT ON TABLE app.t IS 'A table';
    COMMENT ON COLUMN app.t."user" IS 'Line one
    line ''two'' ✓';
    COMMENT ON CONSTRAINT "not blank" ON app.t IS 'No blanks';
    COMMENT ON INDEX app.t_user IS 'By user';
    "#);
}

/// Adds one object to a catalog.
type AddObject = Box<dyn Fn(&mut Catalog)>;

/// A catalog with a bit of everything, its objects inserted in the order given.
fn mixed_objects() -> Vec<AddObject> {
    vec![
        Box::new(|c| {
            c.insert(schema("app"));
        }),
        Box::new(|c| {
            c.insert(EnumType {
                name: qn("app", "e"),
                labels: vec!["a".into()],
                comment: None,
            });
        }),
        Box::new(|c| {
            c.insert(with_constraints(
                table(
                    "app",
                    "b",
                    vec![col("id", "integer"), col("a_id", "integer")],
                ),
                vec![
                    primary_key("b_pkey", &["id"]),
                    foreign_key("b_a", &["a_id"], qn("app", "a"), &["id"]),
                ],
            ));
        }),
        Box::new(|c| {
            c.insert(with_constraints(
                table(
                    "app",
                    "a",
                    vec![col("id", "integer"), col("b_id", "integer")],
                ),
                vec![
                    primary_key("a_pkey", &["id"]),
                    foreign_key("a_b", &["b_id"], qn("app", "b"), &["id"]),
                ],
            ));
        }),
        Box::new(|c| {
            c.insert(index("app", "a_b_idx", "a", vec![key("b_id")]));
        }),
        Box::new(|c| {
            c.insert(view(
                "app",
                "v2",
                " SELECT 1 FROM app.v1",
                vec![relation("app", "v1")],
            ));
        }),
        Box::new(|c| {
            c.insert(view(
                "app",
                "v1",
                " SELECT 1 FROM app.a",
                vec![relation("app", "a")],
            ));
        }),
        Box::new(|c| {
            c.insert(function(
                "app",
                "f",
                "",
                Some("trigger"),
                "BEGIN RETURN NEW; END",
            ));
        }),
        Box::new(|c| {
            c.insert(trigger("app", "a", "t", qn("app", "f")));
        }),
    ]
}

#[test]
fn insertion_order_does_not_change_the_output() {
    let objects = mixed_objects();
    let mut forward = Catalog::default();
    for add in &objects {
        add(&mut forward);
    }
    let mut backward = Catalog::default();
    for add in objects.iter().rev() {
        add(&mut backward);
    }
    let mut interleaved = Catalog::default();
    for add in objects
        .iter()
        .step_by(2)
        .chain(objects.iter().skip(1).step_by(2))
    {
        add(&mut interleaved);
    }
    let expected = render(&forward);
    assert_eq!(render(&backward), expected);
    assert_eq!(render(&interleaved), expected);
    // The foreign keys between `a` and `b` (a cycle) come after both tables and their keys.
    let fk = expected
        .find("ADD CONSTRAINT a_b FOREIGN KEY")
        .expect("foreign key rendered");
    let keys = expected
        .find("ADD CONSTRAINT b_pkey PRIMARY KEY")
        .expect("key rendered");
    let v1 = expected.find("CREATE VIEW app.v1").expect("view rendered");
    let v2 = expected.find("CREATE VIEW app.v2").expect("view rendered");
    assert!(keys < fk && v1 < v2, "{expected}");
}

#[test]
fn a_cycle_between_views_is_an_error_naming_them() {
    let mut catalog = Catalog::default();
    catalog.insert(view("app", "v1", " SELECT 1", vec![relation("app", "v2")]));
    catalog.insert(view("app", "v2", " SELECT 1", vec![relation("app", "v1")]));
    catalog.insert(view("app", "v3", " SELECT 1", vec![relation("app", "v1")]));
    let error = render_catalog(&catalog).expect_err("a cycle cannot be ordered");
    assert_eq!(
        error,
        RenderError::Cycle {
            kind: "views and functions",
            members: vec!["app.v1".into(), "app.v2".into()],
        }
    );
    assert_eq!(
        error.to_string(),
        "dependency cycle among views and functions: app.v1, app.v2"
    );
}

#[test]
fn a_cycle_between_types_or_tables_is_an_error() {
    let mut catalog = Catalog::default();
    for (name, other) in [("a", "b"), ("b", "a")] {
        catalog.insert(CompositeType {
            name: qn("app", name),
            attributes: vec![CompositeAttribute {
                name: Ident::new("x"),
                data_type: user_type(&format!("app.{other}"), "app", other),
                collation: None,
                comment: None,
            }],
            comment: None,
        });
    }
    assert!(matches!(
        render_catalog(&catalog),
        Err(RenderError::Cycle { kind: "types", .. })
    ));

    let mut catalog = Catalog::default();
    for (name, parent) in [("a", "b"), ("b", "a")] {
        let mut t = table("app", name, vec![]);
        t.inherits = vec![qn("app", parent)];
        catalog.insert(t);
    }
    assert!(matches!(
        render_catalog(&catalog),
        Err(RenderError::Cycle { kind: "tables", .. })
    ));
}

#[test]
fn a_missing_parent_is_an_error() {
    let mut catalog = Catalog::default();
    let mut t = table("app", "child", vec![]);
    t.partition_of = Some(PartitionOf {
        parent: qn("app", "gone"),
        bound: "DEFAULT".into(),
    });
    catalog.insert(t);
    assert_eq!(
        render_catalog(&catalog),
        Err(RenderError::MissingParent {
            table: "app.child".into(),
            parent: "app.gone".into(),
        })
    );
}

#[test]
fn a_function_without_result_type_is_an_error() {
    let mut catalog = Catalog::default();
    let mut f = function("app", "f", "", None, "SELECT 1");
    f.kind = FunctionKind::Function;
    catalog.insert(f);
    assert_eq!(
        render_catalog(&catalog),
        Err(RenderError::MissingResultType {
            function: "app.f()".into()
        })
    );
}

#[test]
fn what_calls_a_function_created_later_is_added_later() {
    let mut catalog = Catalog::default();
    // Domains come before every function: their default and checks that call one wait.
    let mut checks = BTreeMap::new();
    for (name, expression, not_valid) in [
        ("even", "app.is_even(VALUE)", false),
        ("odd later", "NOT app.is_even(VALUE)", true),
        ("small", "(VALUE < 100)", false),
    ] {
        checks.insert(
            Ident::new(name),
            DomainCheck {
                name: Ident::new(name),
                expression: expr(expression),
                not_valid,
                comment: None,
            },
        );
    }
    catalog.insert(Domain {
        name: qn("app", "even"),
        base_type: TypeRef::builtin("integer"),
        collation: None,
        default: Some(expr("app.two()")),
        not_null: false,
        checks,
        comment: None,
    });
    catalog.insert(function(
        "app",
        "is_even",
        "x integer",
        Some("boolean"),
        "BEGIN RETURN true; END",
    ));
    catalog.insert(function(
        "app",
        "two",
        "",
        Some("integer"),
        "BEGIN RETURN 2; END",
    ));
    // A function that reads the table whose default calls it.
    let mut next_code = function(
        "app",
        "next_code",
        "",
        Some("integer"),
        "BEGIN ATOMIC\n SELECT max(code) + 1 FROM app.codes;\nEND",
    );
    next_code.language = Ident::new("sql");
    next_code.sql_body = true;
    next_code.depends_on.insert(relation("app", "codes"));
    catalog.insert(next_code);
    let mut codes = with_constraints(
        table(
            "app",
            "codes",
            vec![
                Column {
                    default: Some(expr("app.next_code()")),
                    ..col("code", "integer")
                },
                Column {
                    default: Some(expr("app.two()")),
                    ..col("n", "integer")
                },
            ],
        ),
        vec![
            check("code_checked", "(code < app.next_code())"),
            check("n_checked", "app.is_even(n)"),
        ],
    );
    codes.partition_by = Some(PartitionKey {
        strategy: PartitionStrategy::List,
        key: "n".into(),
    });
    catalog.insert(codes);
    // A partition that keeps the parent's deferred default, and one that has none.
    for (name, default) in [("codes_a", Some("app.next_code()")), ("codes_b", None)] {
        let mut part = table(
            "app",
            name,
            vec![
                Column {
                    inherited: true,
                    default: default.map(expr),
                    ..col("code", "integer")
                },
                Column {
                    inherited: true,
                    default: Some(expr("app.two()")),
                    ..col("n", "integer")
                },
            ],
        );
        part.partition_of = Some(PartitionOf {
            parent: qn("app", "codes"),
            bound: format!("FOR VALUES IN ({})", if name == "codes_a" { 1 } else { 2 }),
        });
        catalog.insert(part);
    }
    catalog.insert(index(
        "app",
        "codes_next",
        "codes",
        vec![expr_key("app.next_code()")],
    ));
    catalog.insert(index(
        "app",
        "codes_n",
        "codes",
        vec![expr_key("app.two()")],
    ));
    insta::assert_snapshot!(body(&render(&catalog)), @r#"
    CREATE DOMAIN app.even AS integer
        CONSTRAINT small CHECK ((VALUE < 100));

    CREATE FUNCTION app.is_even(x integer) RETURNS boolean
        LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE COST 100
        AS $function$BEGIN RETURN true; END$function$;
    CREATE FUNCTION app.two() RETURNS integer
        LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE COST 100
        AS $function$BEGIN RETURN 2; END$function$;

    CREATE TABLE app.codes (
        code integer,
        n integer DEFAULT app.two(),
        CONSTRAINT n_checked CHECK (app.is_even(n))
    ) PARTITION BY LIST (n);
    CREATE TABLE app.codes_a PARTITION OF app.codes FOR VALUES IN (1);
    CREATE TABLE app.codes_b PARTITION OF app.codes FOR VALUES IN (2);

    CREATE INDEX codes_n ON app.codes USING btree ((app.two()));

    CREATE FUNCTION app.next_code() RETURNS integer
        LANGUAGE sql VOLATILE PARALLEL UNSAFE COST 100
    BEGIN ATOMIC
     SELECT max(code) + 1 FROM app.codes;
    END;

    CREATE INDEX codes_next ON app.codes USING btree ((app.next_code()));

    ALTER DOMAIN app.even SET DEFAULT app.two();
    ALTER DOMAIN app.even ADD CONSTRAINT even CHECK (app.is_even(VALUE));
    ALTER DOMAIN app.even ADD CONSTRAINT "odd later" CHECK (NOT app.is_even(VALUE)) NOT VALID;
    ALTER TABLE ONLY app.codes ALTER COLUMN code SET DEFAULT app.next_code();
    ALTER TABLE ONLY app.codes_a ALTER COLUMN code SET DEFAULT app.next_code();

    ALTER TABLE app.codes ADD CONSTRAINT code_checked CHECK ((code < app.next_code()));
    "#);
}

#[test]
fn column_settings_replica_identity_and_clustering() {
    let mut t = table(
        "app",
        "Events",
        vec![
            Column {
                storage: Some(ColumnStorage::External),
                compression: Some("lz4".into()),
                statistics: Some(500),
                ..col("payload", "jsonb")
            },
            col("id", "bigint"),
        ],
    );
    t.replica_identity = ReplicaIdentity::Index(Ident::new("events id"));
    t.clustered_on = Some(Ident::new("events id"));
    let mut catalog = Catalog::default();
    catalog.insert(t);
    let mut other = table("app", "log", vec![col("line", "text")]);
    other.replica_identity = ReplicaIdentity::Full;
    catalog.insert(other);
    insta::assert_snapshot!(body(&render(&catalog)), @r#"
    CREATE TABLE app."Events" (
        payload jsonb,
        id bigint
    );
    ALTER TABLE ONLY app."Events" ALTER COLUMN payload SET STORAGE EXTERNAL;
    ALTER TABLE ONLY app."Events" ALTER COLUMN payload SET COMPRESSION lz4;
    ALTER TABLE ONLY app."Events" ALTER COLUMN payload SET STATISTICS 500;
    CREATE TABLE app.log (
        line text
    );

    ALTER TABLE ONLY app."Events" REPLICA IDENTITY USING INDEX "events id";
    ALTER TABLE ONLY app."Events" CLUSTER ON "events id";
    ALTER TABLE ONLY app.log REPLICA IDENTITY FULL;
    "#);
}

#[test]
fn extensions_follow_the_ones_they_require() {
    let mut catalog = Catalog::default();
    for (name, requires) in [
        ("hstore_plperl", vec!["hstore", "plperl"]),
        ("plperl", vec![]),
        ("hstore", vec![]),
    ] {
        catalog.insert(Extension {
            name: Ident::new(name),
            schema: Ident::new("public"),
            version: "1.0".into(),
            requires: requires.into_iter().map(Ident::new).collect(),
            comment: None,
        });
    }
    insta::assert_snapshot!(body(&render(&catalog)), @"
    CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public VERSION '1.0';
    CREATE EXTENSION IF NOT EXISTS plperl WITH SCHEMA public VERSION '1.0';
    CREATE EXTENSION IF NOT EXISTS hstore_plperl WITH SCHEMA public VERSION '1.0';
    ");
}
