//! A schema written twice: as the SQL a person would write, and as a hand-built catalog. Loading
//! the SQL and loading the catalog's rendered script must give the same database.

use std::collections::BTreeMap;

use retort_catalog::*;

use crate::common::*;

pub const SQL: &str = r#"
CREATE SCHEMA app;
COMMENT ON SCHEMA app IS 'The application''s schema';
CREATE SCHEMA "Shop ""Data""";

CREATE TYPE app.mood AS ENUM ('sad', 'it''s ok', 'happy');
CREATE DOMAIN app.positive AS integer DEFAULT 1 NOT NULL CONSTRAINT positive CHECK (VALUE > 0);
ALTER DOMAIN app.positive ADD CONSTRAINT small CHECK (VALUE < 1000) NOT VALID;
COMMENT ON CONSTRAINT small ON DOMAIN app.positive IS 'Not validated yet';
CREATE TYPE app.pair AS (a app.positive, m app.mood, label text COLLATE "C");
COMMENT ON COLUMN app.pair.label IS 'A label';

CREATE SEQUENCE app.counter AS integer START WITH 5 INCREMENT BY 5 MINVALUE 5 MAXVALUE 500 CACHE 2 CYCLE;

CREATE FUNCTION app.double_it(x integer) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN x * 2;
CREATE FUNCTION app.touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$BEGIN NEW.updated_at := now(); RETURN NEW; END$$;
CREATE FUNCTION app.noop() RETURNS trigger
    LANGUAGE plpgsql
    AS $$BEGIN RETURN NULL; END$$;

CREATE TABLE app."UserAccounts" (
    id bigint GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 2) PRIMARY KEY,
    "user" text COLLATE "C" NOT NULL,
    mood app.mood DEFAULT 'happy',
    n integer DEFAULT nextval('app.counter'),
    twice integer GENERATED ALWAYS AS (app.double_it(n)) STORED,
    updated_at timestamp with time zone,
    parent_id bigint REFERENCES app."UserAccounts" (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT user_not_blank CHECK ("user" <> '')
) WITH (fillfactor = 80);
ALTER SEQUENCE app.counter OWNED BY app."UserAccounts".n;
COMMENT ON TABLE app."UserAccounts" IS E'Accounts\nof users';
COMMENT ON COLUMN app."UserAccounts"."user" IS 'Login';
CREATE UNIQUE INDEX "accounts by user" ON app."UserAccounts" (lower("user") DESC NULLS LAST)
    INCLUDE (mood) WHERE (parent_id IS NULL);
CREATE TRIGGER touch BEFORE UPDATE ON app."UserAccounts"
    FOR EACH ROW EXECUTE FUNCTION app.touch();
ALTER TABLE app."UserAccounts" ENABLE ROW LEVEL SECURITY;
CREATE POLICY mine ON app."UserAccounts" AS RESTRICTIVE FOR UPDATE TO retort_app
    USING ("user" = CURRENT_USER) WITH CHECK (true);

CREATE TABLE "Shop ""Data""".events (
    id bigint NOT NULL,
    at date NOT NULL,
    kind text DEFAULT 'x',
    note text,
    PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
CREATE TABLE "Shop ""Data"""."events 2024" PARTITION OF "Shop ""Data""".events
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE "Shop ""Data""".events_rest PARTITION OF "Shop ""Data""".events (
    CONSTRAINT note_set CHECK (note IS NOT NULL)
) DEFAULT;
ALTER TABLE "Shop ""Data""".events_rest ALTER COLUMN kind DROP DEFAULT;
ALTER TABLE "Shop ""Data""".events_rest ALTER COLUMN note SET NOT NULL;
CREATE INDEX events_kind ON "Shop ""Data""".events (kind);

CREATE TABLE app.base (
    id integer NOT NULL,
    name text DEFAULT 'x',
    CONSTRAINT id_positive CHECK (id > 0)
);
CREATE TABLE app.child (
    extra text,
    name text DEFAULT 'child'
) INHERITS (app.base);
ALTER TABLE app.child ALTER COLUMN id SET DEFAULT 7;

CREATE TABLE app.a (id integer PRIMARY KEY, b_id integer);
CREATE TABLE app.b (
    id integer PRIMARY KEY,
    a_id integer REFERENCES app.a (id) MATCH FULL ON UPDATE CASCADE
);
ALTER TABLE app.a ADD CONSTRAINT a_b_fk FOREIGN KEY (b_id) REFERENCES app.b (id) NOT VALID;

CREATE VIEW app.v1 WITH (security_barrier) AS
    SELECT id, app.double_it(n) AS d FROM app."UserAccounts";
CREATE FUNCTION app.top() RETURNS integer
    LANGUAGE sql STABLE
    BEGIN ATOMIC
        SELECT max(d) FROM app.v1;
    END;
CREATE VIEW "Shop ""Data""".v2 AS SELECT app.top() AS best;
COMMENT ON COLUMN "Shop ""Data""".v2.best IS 'The best';
CREATE FUNCTION app.accounts() RETURNS SETOF app."UserAccounts"
    LANGUAGE sql STABLE ROWS 5
    AS $$ SELECT * FROM app."UserAccounts" $$;
CREATE MATERIALIZED VIEW app.m AS SELECT count(*) AS n FROM app.v1 WITH NO DATA;
CREATE UNIQUE INDEX m_n ON app.m (n);
CREATE PROCEDURE app.p(INOUT x integer DEFAULT 0)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = app, pg_temp
    AS $$BEGIN x := 1; END$$;
COMMENT ON PROCEDURE app.p(integer) IS 'Does little';

CREATE TRIGGER ins INSTEAD OF INSERT ON app.v1 FOR EACH ROW EXECUTE FUNCTION app.noop();
CREATE TRIGGER stmt AFTER UPDATE ON app.b REFERENCING OLD TABLE AS o NEW TABLE AS "new rows"
    FOR EACH STATEMENT EXECUTE FUNCTION app.noop('a''b', 'c\d');
ALTER TABLE app.b DISABLE TRIGGER stmt;
CREATE CONSTRAINT TRIGGER ct AFTER INSERT ON app.a FROM app.b DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION app.noop();
COMMENT ON TRIGGER ct ON app.a IS 'Deferred';

-- Defaults, checks and index expressions calling functions that are created later in a
-- rendered script: a domain calling functions, and a table calling functions that read it.
CREATE FUNCTION app.is_even(x integer) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE
    AS $$BEGIN RETURN x % 2 = 0; END$$;
CREATE FUNCTION app.two() RETURNS integer LANGUAGE sql IMMUTABLE RETURN 2;
CREATE DOMAIN app.even AS integer DEFAULT app.two()
    CONSTRAINT even CHECK (app.is_even(VALUE));
CREATE DOMAIN app.small_even AS app.even CONSTRAINT small CHECK (VALUE < 100);
CREATE TABLE app.codes (
    code integer NOT NULL,
    amount app.small_even
);
CREATE TABLE app.limits (max_code integer);
CREATE FUNCTION app.next_code() RETURNS integer
    LANGUAGE sql STABLE
    BEGIN ATOMIC
        SELECT COALESCE(max(code), 0) + 1 FROM app.codes;
    END;
CREATE FUNCTION app.max_code() RETURNS integer
    LANGUAGE sql STABLE
    BEGIN ATOMIC
        SELECT COALESCE(max(max_code), 1000) FROM app.limits;
    END;
CREATE FUNCTION app.bucket(c integer) RETURNS integer
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
        SELECT c / ((SELECT count(*) FROM app.limits)::integer + 1);
    END;
ALTER TABLE app.codes ALTER COLUMN code SET DEFAULT app.next_code();
ALTER TABLE app.codes ADD CONSTRAINT code_in_range CHECK (code <= app.max_code());
CREATE INDEX codes_bucket ON app.codes (app.bucket(code));
"#;

/// The same schema as [`SQL`], built by hand (expressions as a person would write them, all
/// user objects schema-qualified: the script runs with an empty `search_path`).
pub fn catalog() -> Catalog {
    let mut c = Catalog::default();
    c.insert(Schema {
        name: Ident::new("app"),
        comment: Some("The application's schema".into()),
    });
    c.insert(schema("Shop \"Data\""));

    c.insert(EnumType {
        name: qn("app", "mood"),
        labels: vec!["sad".into(), "it's ok".into(), "happy".into()],
        comment: None,
    });
    let mut checks = BTreeMap::new();
    checks.insert(
        Ident::new("positive"),
        DomainCheck {
            name: Ident::new("positive"),
            expression: expr("VALUE > 0"),
            not_valid: false,
            comment: None,
        },
    );
    checks.insert(
        Ident::new("small"),
        DomainCheck {
            name: Ident::new("small"),
            expression: expr("VALUE < 1000"),
            not_valid: true,
            comment: Some("Not validated yet".into()),
        },
    );
    c.insert(Domain {
        name: qn("app", "positive"),
        base_type: TypeRef::builtin("integer"),
        collation: None,
        default: Some(expr("1")),
        not_null: true,
        checks,
        comment: None,
    });
    c.insert(CompositeType {
        name: qn("app", "pair"),
        attributes: vec![
            CompositeAttribute {
                name: Ident::new("a"),
                data_type: user_type("app.positive", "app", "positive"),
                collation: None,
                comment: None,
            },
            CompositeAttribute {
                name: Ident::new("m"),
                data_type: user_type("app.mood", "app", "mood"),
                collation: None,
                comment: None,
            },
            CompositeAttribute {
                name: Ident::new("label"),
                data_type: TypeRef::builtin("text"),
                collation: Some(qn("pg_catalog", "C")),
                comment: Some("A label".into()),
            },
        ],
        comment: None,
    });
    c.insert(Sequence {
        name: qn("app", "counter"),
        options: SequenceOptions {
            data_type: "integer".into(),
            start: 5,
            increment: 5,
            min_value: 5,
            max_value: 500,
            cache: 2,
            cycle: true,
        },
        unlogged: false,
        owned_by: Some(ColumnRef {
            table: qn("app", "UserAccounts"),
            column: Ident::new("n"),
        }),
        comment: None,
    });

    let mut double_it = function(
        "app",
        "double_it",
        "x integer",
        Some("integer"),
        "RETURN x * 2",
    );
    double_it.language = Ident::new("sql");
    double_it.sql_body = true;
    double_it.volatility = Volatility::Immutable;
    double_it.parallel = ParallelSafety::Safe;
    c.insert(double_it);
    c.insert(function(
        "app",
        "touch",
        "",
        Some("trigger"),
        "BEGIN NEW.updated_at := now(); RETURN NEW; END",
    ));
    c.insert(function(
        "app",
        "noop",
        "",
        Some("trigger"),
        "BEGIN RETURN NULL; END",
    ));

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
                        increment: 2,
                        ..seq_options("bigint", 10, i64::MAX)
                    },
                )),
                ..col("id", "bigint")
            },
            Column {
                not_null: true,
                collation: Some(qn("pg_catalog", "C")),
                comment: Some("Login".into()),
                ..col("user", "text")
            },
            Column {
                data_type: user_type("app.mood", "app", "mood"),
                default: Some(expr("'happy'")),
                ..col("mood", "")
            },
            Column {
                default: Some(expr("nextval('app.counter'::regclass)")),
                ..col("n", "integer")
            },
            Column {
                generated: Some(Generated {
                    kind: GeneratedKind::Stored,
                    expression: expr("app.double_it(n)"),
                }),
                ..col("twice", "integer")
            },
            col("updated_at", "timestamp with time zone"),
            col("parent_id", "bigint"),
        ],
    );
    accounts.options = vec!["fillfactor=80".into()];
    accounts.row_security = true;
    accounts.comment = Some("Accounts\nof users".into());
    accounts.policies.insert(
        Ident::new("mine"),
        Policy {
            name: Ident::new("mine"),
            command: PolicyCommand::Update,
            permissive: false,
            roles: idents(&["retort_app"]),
            using: Some(expr("\"user\" = CURRENT_USER")),
            with_check: Some(expr("true")),
            comment: None,
        },
    );
    let accounts = with_constraints(
        accounts,
        vec![
            primary_key("UserAccounts_pkey", &["id"]),
            Constraint {
                kind: ConstraintKind::ForeignKey {
                    columns: idents(&["parent_id"]),
                    references: qn("app", "UserAccounts"),
                    referenced_columns: idents(&["id"]),
                    match_type: MatchType::Simple,
                    on_update: ReferentialAction::NoAction,
                    on_delete: ReferentialAction::SetNull,
                    on_delete_columns: vec![],
                },
                deferrable: true,
                initially_deferred: true,
                ..primary_key("UserAccounts_parent_id_fkey", &[])
            },
            check("user_not_blank", "\"user\" <> ''"),
        ],
    );
    c.insert(accounts);
    let mut by_user = index(
        "app",
        "accounts by user",
        "UserAccounts",
        vec![IndexElement {
            descending: true,
            nulls_first: false,
            ..expr_key("lower(\"user\")")
        }],
    );
    by_user.unique = true;
    by_user.include = idents(&["mood"]);
    by_user.predicate = Some(expr("parent_id IS NULL"));
    c.insert(by_user);
    let mut touch = trigger("app", "UserAccounts", "touch", qn("app", "touch"));
    touch.events = vec![TriggerEvent::Update(vec![])];
    c.insert(touch);

    let shop = "Shop \"Data\"";
    let mut events = table(
        shop,
        "events",
        vec![
            Column {
                not_null: true,
                ..col("id", "bigint")
            },
            Column {
                not_null: true,
                ..col("at", "date")
            },
            Column {
                default: Some(expr("'x'")),
                ..col("kind", "text")
            },
            col("note", "text"),
        ],
    );
    events.partition_by = Some(PartitionKey {
        strategy: PartitionStrategy::Range,
        key: "at".into(),
    });
    let events = with_constraints(events, vec![primary_key("events_pkey", &["id", "at"])]);
    let as_partition = |name: &str, bound: &str| {
        let mut t = table(
            shop,
            name,
            events
                .columns
                .iter()
                .map(|c| Column {
                    inherited: true,
                    ..c.clone()
                })
                .collect(),
        );
        t.partition_of = Some(PartitionOf {
            parent: qn(shop, "events"),
            bound: bound.into(),
        });
        t
    };
    let y2024 = as_partition(
        "events 2024",
        "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
    );
    let mut rest = as_partition("events_rest", "DEFAULT");
    rest.columns[2].default = None;
    rest.columns[3].not_null = true;
    let rest = with_constraints(rest, vec![check("note_set", "note IS NOT NULL")]);
    c.insert(events);
    c.insert(y2024);
    c.insert(rest);
    c.insert(index(shop, "events_kind", "events", vec![key("kind")]));

    c.insert(with_constraints(
        table(
            "app",
            "base",
            vec![
                Column {
                    not_null: true,
                    ..col("id", "integer")
                },
                Column {
                    default: Some(expr("'x'")),
                    ..col("name", "text")
                },
            ],
        ),
        vec![check("id_positive", "id > 0")],
    ));
    let mut child = table(
        "app",
        "child",
        vec![
            Column {
                not_null: true,
                inherited: true,
                default: Some(expr("7")),
                ..col("id", "integer")
            },
            Column {
                default: Some(expr("'child'")),
                ..col("name", "text")
            },
            col("extra", "text"),
        ],
    );
    child.inherits = vec![qn("app", "base")];
    c.insert(child);

    c.insert(with_constraints(
        table(
            "app",
            "a",
            vec![
                Column {
                    not_null: true,
                    ..col("id", "integer")
                },
                col("b_id", "integer"),
            ],
        ),
        vec![
            primary_key("a_pkey", &["id"]),
            Constraint {
                not_valid: true,
                ..foreign_key("a_b_fk", &["b_id"], qn("app", "b"), &["id"])
            },
        ],
    ));
    c.insert(with_constraints(
        table(
            "app",
            "b",
            vec![
                Column {
                    not_null: true,
                    ..col("id", "integer")
                },
                col("a_id", "integer"),
            ],
        ),
        vec![
            primary_key("b_pkey", &["id"]),
            Constraint {
                kind: ConstraintKind::ForeignKey {
                    columns: idents(&["a_id"]),
                    references: qn("app", "a"),
                    referenced_columns: idents(&["id"]),
                    match_type: MatchType::Full,
                    on_update: ReferentialAction::Cascade,
                    on_delete: ReferentialAction::NoAction,
                    on_delete_columns: vec![],
                },
                ..primary_key("b_a_id_fkey", &[])
            },
        ],
    ));

    let mut v1 = view(
        "app",
        "v1",
        "SELECT id, app.double_it(n) AS d FROM app.\"UserAccounts\"",
        vec![
            relation("app", "UserAccounts"),
            ObjectRef::Function {
                id: function_id("app", "double_it", "x integer"),
            },
        ],
    );
    v1.options = vec!["security_barrier=true".into()];
    c.insert(v1);
    let mut top = function(
        "app",
        "top",
        "",
        Some("integer"),
        "BEGIN ATOMIC\n SELECT max(d) FROM app.v1;\nEND",
    );
    top.language = Ident::new("sql");
    top.sql_body = true;
    top.volatility = Volatility::Stable;
    top.depends_on.insert(relation("app", "v1"));
    c.insert(top);
    let mut v2 = view(
        shop,
        "v2",
        "SELECT app.top() AS best",
        vec![ObjectRef::Function {
            id: function_id("app", "top", ""),
        }],
    );
    v2.column_comments
        .insert(Ident::new("best"), "The best".into());
    c.insert(v2);
    let mut accounts_fn = function(
        "app",
        "accounts",
        "",
        Some("SETOF app.\"UserAccounts\""),
        " SELECT * FROM app.\"UserAccounts\" ",
    );
    accounts_fn.language = Ident::new("sql");
    accounts_fn.volatility = Volatility::Stable;
    accounts_fn.rows = "5".into();
    c.insert(accounts_fn);
    let mut m = view(
        "app",
        "m",
        "SELECT count(*) AS n FROM app.v1",
        vec![relation("app", "v1")],
    );
    m.materialized = true;
    m.populated = false;
    c.insert(m);
    let mut m_n = index("app", "m_n", "m", vec![key("n")]);
    m_n.unique = true;
    c.insert(m_n);
    let mut p = function("app", "p", "INOUT x integer", None, "BEGIN x := 1; END");
    p.arguments = "INOUT x integer DEFAULT 0".into();
    p.security_definer = true;
    p.config = vec!["search_path=app, pg_temp".into()];
    p.comment = Some("Does little".into());
    c.insert(p);

    let mut ins = trigger("app", "v1", "ins", qn("app", "noop"));
    ins.timing = TriggerTiming::InsteadOf;
    c.insert(ins);
    let mut stmt = trigger("app", "b", "stmt", qn("app", "noop"));
    stmt.timing = TriggerTiming::After;
    stmt.events = vec![TriggerEvent::Update(vec![])];
    stmt.for_each_row = false;
    stmt.old_table = Some(Ident::new("o"));
    stmt.new_table = Some(Ident::new("new rows"));
    stmt.arguments = vec!["a'b".into(), "c\\d".into()];
    stmt.enabled = TriggerEnabled::Disabled;
    c.insert(stmt);
    let mut ct = trigger("app", "a", "ct", qn("app", "noop"));
    ct.timing = TriggerTiming::After;
    ct.constraint = Some(ConstraintTrigger {
        referenced_table: Some(qn("app", "b")),
        deferrable: true,
        initially_deferred: true,
    });
    ct.comment = Some("Deferred".into());
    c.insert(ct);

    let mut is_even = function(
        "app",
        "is_even",
        "x integer",
        Some("boolean"),
        "BEGIN RETURN x % 2 = 0; END",
    );
    is_even.volatility = Volatility::Immutable;
    c.insert(is_even);
    let mut two = function("app", "two", "", Some("integer"), "RETURN 2");
    two.language = Ident::new("sql");
    two.sql_body = true;
    two.volatility = Volatility::Immutable;
    c.insert(two);
    let mut checks = BTreeMap::new();
    checks.insert(
        Ident::new("even"),
        DomainCheck {
            name: Ident::new("even"),
            expression: expr("app.is_even(VALUE)"),
            not_valid: false,
            comment: None,
        },
    );
    c.insert(Domain {
        name: qn("app", "even"),
        base_type: TypeRef::builtin("integer"),
        collation: None,
        default: Some(expr("app.two()")),
        not_null: false,
        checks,
        comment: None,
    });
    let mut checks = BTreeMap::new();
    checks.insert(
        Ident::new("small"),
        DomainCheck {
            name: Ident::new("small"),
            expression: expr("VALUE < 100"),
            not_valid: false,
            comment: None,
        },
    );
    c.insert(Domain {
        name: qn("app", "small_even"),
        base_type: user_type("app.even", "app", "even"),
        collation: None,
        // PostgreSQL copies the base domain's default.
        default: Some(expr("app.two()")),
        not_null: false,
        checks,
        comment: None,
    });
    c.insert(with_constraints(
        table(
            "app",
            "codes",
            vec![
                Column {
                    not_null: true,
                    default: Some(expr("app.next_code()")),
                    ..col("code", "integer")
                },
                Column {
                    data_type: user_type("app.small_even", "app", "small_even"),
                    ..col("amount", "")
                },
            ],
        ),
        vec![check("code_in_range", "code <= app.max_code()")],
    ));
    c.insert(table("app", "limits", vec![col("max_code", "integer")]));
    for (name, args, returns, body, table, volatility) in [
        (
            "next_code",
            "",
            "integer",
            "BEGIN ATOMIC\n SELECT COALESCE(max(code), 0) + 1 FROM app.codes;\nEND",
            "codes",
            Volatility::Stable,
        ),
        (
            "max_code",
            "",
            "integer",
            "BEGIN ATOMIC\n SELECT COALESCE(max(max_code), 1000) FROM app.limits;\nEND",
            "limits",
            Volatility::Stable,
        ),
        (
            "bucket",
            "c integer",
            "integer",
            "BEGIN ATOMIC\n SELECT c / ((SELECT count(*) FROM app.limits)::integer + 1);\nEND",
            "limits",
            Volatility::Immutable,
        ),
    ] {
        let mut f = function("app", name, args, Some(returns), body);
        f.language = Ident::new("sql");
        f.sql_body = true;
        f.volatility = volatility;
        f.depends_on.insert(relation("app", table));
        c.insert(f);
    }
    c.insert(index(
        "app",
        "codes_bucket",
        "codes",
        vec![expr_key("app.bucket(code)")],
    ));
    c
}
