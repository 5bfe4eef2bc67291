use retort_catalog::Catalog;
use retort_declare::load::{Loaded, load_sql};

use super::{DriftReport, render_github, render_human, render_json};

fn load(sql: &str) -> Loaded {
    match load_sql("t.sql", sql) {
        Ok(loaded) => loaded,
        Err(e) => panic!("{e}"),
    }
}

/// The report of `actual` against `expected` (with the expected side's rename hints), and
/// its fix planned as `retort check` plans it.
fn report(actual: &str, expected: &str) -> DriftReport {
    let old: Catalog = load(actual).catalog;
    let Loaded {
        catalog: new,
        renames,
        ..
    } = load(expected);
    let diff = retort_diff::diff(&old, &new, &renames);
    let plan = match retort_plan::plan(&old, &new, &renames) {
        Ok(plan) => plan,
        Err(e) => panic!("{e}"),
    };
    DriftReport::new("the database", "the schema", &diff, &new, &plan.to_sql())
}

/// The colored rendering with the escape character visible.
fn colored(report: &DriftReport) -> String {
    render_human(report, true).replace('\x1b', "^[")
}

#[test]
fn column_type_change() {
    let r = report(
        "CREATE TABLE users (id int PRIMARY KEY, email varchar(255));",
        "CREATE TABLE users (id int PRIMARY KEY, email text);",
    );
    insta::assert_snapshot!(render_human(&r, false), @"
    Drift: the database differs from the schema.

    ~ column public.users.email: type character varying(255) -> text

    To fix it, apply:

    BEGIN;

    -- alter column public.users.email: change type
    -- hazard access-exclusive-lock: locks table public.users
    ALTER TABLE public.users ALTER COLUMN email TYPE text USING email::text;

    COMMIT;

    1 difference: 1 changed
    ");
    insta::assert_snapshot!(colored(&r), @"
    Drift: the database differs from the schema.

    ^[[33m~ column public.users.email: type character varying(255) -> text^[[0m

    ^[[1mTo fix it, apply:^[[0m

    BEGIN;

    -- alter column public.users.email: change type
    -- hazard access-exclusive-lock: locks table public.users
    ALTER TABLE public.users ALTER COLUMN email TYPE text USING email::text;

    COMMIT;

    1 difference: 1 changed
    ");
    insta::assert_snapshot!(render_json(&r), @r#"
    {
      "actual": "the database",
      "expected": "the schema",
      "differences": [
        {
          "kind": "changed",
          "object_kind": "column",
          "name": "public.users.email",
          "attributes": [
            {
              "attribute": "type",
              "actual": "character varying(255)",
              "expected": "text"
            }
          ]
        }
      ],
      "counts": {
        "total": 1,
        "missing": 0,
        "unexpected": 0,
        "changed": 1,
        "renamed": 0,
        "revisions": 0
      },
      "fix_sql": "BEGIN;\n\n-- alter column public.users.email: change type\n-- hazard access-exclusive-lock: locks table public.users\nALTER TABLE public.users ALTER COLUMN email TYPE text USING email::text;\n\nCOMMIT;\n"
    }
    "#);
}

#[test]
fn dropped_index() {
    let r = report(
        "CREATE TABLE users (id int, email text);\nCREATE INDEX users_email_idx ON users (email);",
        "CREATE TABLE users (id int, email text);",
    );
    insta::assert_snapshot!(render_human(&r, false), @"
    Drift: the database differs from the schema.

    - index public.users_email_idx

    To fix it, apply:

    BEGIN;

    -- drop index public.users_email_idx
    DROP INDEX public.users_email_idx;

    COMMIT;

    1 difference: 1 unexpected
    ");
    insta::assert_snapshot!(colored(&r), @"
    Drift: the database differs from the schema.

    ^[[31m- index public.users_email_idx^[[0m

    ^[[1mTo fix it, apply:^[[0m

    BEGIN;

    -- drop index public.users_email_idx
    DROP INDEX public.users_email_idx;

    COMMIT;

    1 difference: 1 unexpected
    ");
    insta::assert_snapshot!(render_json(&r), @r#"
    {
      "actual": "the database",
      "expected": "the schema",
      "differences": [
        {
          "kind": "unexpected",
          "object_kind": "index",
          "name": "public.users_email_idx"
        }
      ],
      "counts": {
        "total": 1,
        "missing": 0,
        "unexpected": 1,
        "changed": 0,
        "renamed": 0,
        "revisions": 0
      },
      "fix_sql": "BEGIN;\n\n-- drop index public.users_email_idx\nDROP INDEX public.users_email_idx;\n\nCOMMIT;\n"
    }
    "#);
}

#[test]
fn edited_function_body() {
    let r = report(
        "CREATE FUNCTION add_one(x integer) RETURNS integer LANGUAGE plpgsql AS $$\nBEGIN\n  -- one more\n  RETURN x + 1;\nEND\n$$;",
        "CREATE FUNCTION add_one(x integer) RETURNS integer LANGUAGE plpgsql AS $$\nBEGIN\n  -- one more\n  RETURN x + 2;\nEND\n$$;",
    );
    insta::assert_snapshot!(render_human(&r, false), @"
    Drift: the database differs from the schema.

    ~ function public.add_one(x integer): body changed
        --- actual
        +++ expected
        @@ -1,5 +1,5 @@

         BEGIN
           -- one more
        -  RETURN x + 1;
        +  RETURN x + 2;
         END

    To fix it, apply:

    BEGIN;
    SET LOCAL check_function_bodies = off;

    -- replace the body of function public.add_one(x integer)
    CREATE OR REPLACE FUNCTION public.add_one(x integer) RETURNS integer
        LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE COST 100
        AS $function$
    BEGIN
      -- one more
      RETURN x + 2;
    END
    $function$;

    COMMIT;

    1 difference: 1 changed
    ");
    insta::assert_snapshot!(colored(&r), @"
    Drift: the database differs from the schema.

    ^[[33m~ function public.add_one(x integer): body changed^[[0m
    ^[[1m    --- actual^[[0m
    ^[[1m    +++ expected^[[0m
    ^[[36m    @@ -1,5 +1,5 @@^[[0m

         BEGIN
           -- one more
    ^[[31m    -  RETURN x + 1;^[[0m
    ^[[32m    +  RETURN x + 2;^[[0m
         END

    ^[[1mTo fix it, apply:^[[0m

    BEGIN;
    SET LOCAL check_function_bodies = off;

    -- replace the body of function public.add_one(x integer)
    CREATE OR REPLACE FUNCTION public.add_one(x integer) RETURNS integer
        LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE COST 100
        AS $function$
    BEGIN
      -- one more
      RETURN x + 2;
    END
    $function$;

    COMMIT;

    1 difference: 1 changed
    ");
    insta::assert_snapshot!(render_json(&r), @r#"
    {
      "actual": "the database",
      "expected": "the schema",
      "differences": [
        {
          "kind": "changed",
          "object_kind": "function",
          "name": "public.add_one(x integer)",
          "attributes": [
            {
              "attribute": "body",
              "diff": "--- actual\n+++ expected\n@@ -1,5 +1,5 @@\n \n BEGIN\n   -- one more\n-  RETURN x + 1;\n+  RETURN x + 2;\n END\n"
            }
          ]
        }
      ],
      "counts": {
        "total": 1,
        "missing": 0,
        "unexpected": 0,
        "changed": 1,
        "renamed": 0,
        "revisions": 0
      },
      "fix_sql": "BEGIN;\nSET LOCAL check_function_bodies = off;\n\n-- replace the body of function public.add_one(x integer)\nCREATE OR REPLACE FUNCTION public.add_one(x integer) RETURNS integer\n    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE COST 100\n    AS $function$\nBEGIN\n  -- one more\n  RETURN x + 2;\nEND\n$function$;\n\nCOMMIT;\n"
    }
    "#);
}

#[test]
fn added_enum_value() {
    let r = report(
        "CREATE TYPE mood AS ENUM ('sad', 'ok');",
        "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');",
    );
    insta::assert_snapshot!(render_human(&r, false), @"
    Drift: the database differs from the schema.

    ~ enum public.mood: labels 'sad', 'ok' -> 'sad', 'ok', 'happy'

    To fix it, apply:

    BEGIN;

    -- add values to enum public.mood
    ALTER TYPE public.mood ADD VALUE 'happy';

    COMMIT;

    1 difference: 1 changed
    ");
    insta::assert_snapshot!(render_json(&r), @r#"
    {
      "actual": "the database",
      "expected": "the schema",
      "differences": [
        {
          "kind": "changed",
          "object_kind": "enum",
          "name": "public.mood",
          "attributes": [
            {
              "attribute": "labels",
              "actual": "'sad', 'ok'",
              "expected": "'sad', 'ok', 'happy'"
            }
          ]
        }
      ],
      "counts": {
        "total": 1,
        "missing": 0,
        "unexpected": 0,
        "changed": 1,
        "renamed": 0,
        "revisions": 0
      },
      "fix_sql": "BEGIN;\n\n-- add values to enum public.mood\nALTER TYPE public.mood ADD VALUE 'happy';\n\nCOMMIT;\n"
    }
    "#);
}

#[test]
fn missing_table() {
    let r = report(
        "CREATE TABLE users (id int);",
        "CREATE TABLE users (id int);\nCREATE TABLE feedback (id int, body text NOT NULL);",
    );
    insta::assert_snapshot!(render_human(&r, false), @"
    Drift: the database differs from the schema.

    + table public.feedback

    To fix it, apply:

    BEGIN;

    -- create table public.feedback
    CREATE TABLE public.feedback (
        id integer,
        body text NOT NULL
    );

    COMMIT;

    1 difference: 1 missing
    ");
    insta::assert_snapshot!(colored(&r), @"
    Drift: the database differs from the schema.

    ^[[32m+ table public.feedback^[[0m

    ^[[1mTo fix it, apply:^[[0m

    BEGIN;

    -- create table public.feedback
    CREATE TABLE public.feedback (
        id integer,
        body text NOT NULL
    );

    COMMIT;

    1 difference: 1 missing
    ");
    insta::assert_snapshot!(render_json(&r), @r#"
    {
      "actual": "the database",
      "expected": "the schema",
      "differences": [
        {
          "kind": "missing",
          "object_kind": "table",
          "name": "public.feedback"
        }
      ],
      "counts": {
        "total": 1,
        "missing": 1,
        "unexpected": 0,
        "changed": 0,
        "renamed": 0,
        "revisions": 0
      },
      "fix_sql": "BEGIN;\n\n-- create table public.feedback\nCREATE TABLE public.feedback (\n    id integer,\n    body text NOT NULL\n);\n\nCOMMIT;\n"
    }
    "#);
}

#[test]
fn unexpected_table() {
    let r = report(
        "CREATE TABLE users (id int);\nCREATE TABLE scratch (id int);",
        "CREATE TABLE users (id int);",
    );
    insta::assert_snapshot!(render_human(&r, false), @"
    Drift: the database differs from the schema.

    - table public.scratch

    To fix it, apply:

    BEGIN;

    -- drop table public.scratch
    -- hazard data-loss: drops table public.scratch and every row in it
    DROP TABLE public.scratch;

    COMMIT;

    1 difference: 1 unexpected
    ");
    insta::assert_snapshot!(render_json(&r), @r#"
    {
      "actual": "the database",
      "expected": "the schema",
      "differences": [
        {
          "kind": "unexpected",
          "object_kind": "table",
          "name": "public.scratch"
        }
      ],
      "counts": {
        "total": 1,
        "missing": 0,
        "unexpected": 1,
        "changed": 0,
        "renamed": 0,
        "revisions": 0
      },
      "fix_sql": "BEGIN;\n\n-- drop table public.scratch\n-- hazard data-loss: drops table public.scratch and every row in it\nDROP TABLE public.scratch;\n\nCOMMIT;\n"
    }
    "#);
}

#[test]
fn default_change() {
    let r = report(
        "CREATE TABLE users (id int, created_at timestamptz DEFAULT now(), state text);",
        "CREATE TABLE users (id int, created_at timestamptz, state text DEFAULT 'new');",
    );
    insta::assert_snapshot!(render_human(&r, false), @"
    Drift: the database differs from the schema.

    ~ column public.users.created_at: default now() -> none
    ~ column public.users.state: default none -> 'new'::text

    To fix it, apply:

    BEGIN;

    -- alter column public.users.created_at: change default
    ALTER TABLE public.users ALTER COLUMN created_at DROP DEFAULT;

    -- alter column public.users.state: change default
    ALTER TABLE public.users ALTER COLUMN state SET DEFAULT 'new'::text;

    COMMIT;

    2 differences: 2 changed
    ");
    insta::assert_snapshot!(render_json(&r), @r#"
    {
      "actual": "the database",
      "expected": "the schema",
      "differences": [
        {
          "kind": "changed",
          "object_kind": "column",
          "name": "public.users.created_at",
          "attributes": [
            {
              "attribute": "default",
              "actual": "now()",
              "expected": "none"
            }
          ]
        },
        {
          "kind": "changed",
          "object_kind": "column",
          "name": "public.users.state",
          "attributes": [
            {
              "attribute": "default",
              "actual": "none",
              "expected": "'new'::text"
            }
          ]
        }
      ],
      "counts": {
        "total": 2,
        "missing": 0,
        "unexpected": 0,
        "changed": 2,
        "renamed": 0,
        "revisions": 0
      },
      "fix_sql": "BEGIN;\n\n-- alter column public.users.created_at: change default\nALTER TABLE public.users ALTER COLUMN created_at DROP DEFAULT;\n\n-- alter column public.users.state: change default\nALTER TABLE public.users ALTER COLUMN state SET DEFAULT 'new'::text;\n\nCOMMIT;\n"
    }
    "#);
}

#[test]
fn several_kinds_and_a_rename() {
    let r = report(
        "CREATE TABLE a (id int);\nCREATE TABLE users (id int, email varchar(255));\nCREATE INDEX users_email_idx ON users (email);",
        "-- retort:renamed-from a\nCREATE TABLE b (id int);\nCREATE TABLE users (id int, email text NOT NULL);\nCREATE TABLE feedback (id int);",
    );
    insta::assert_snapshot!(render_human(&r, false), @"
    Drift: the database differs from the schema.

    > table public.a renamed to public.b
    + table public.feedback
    ~ column public.users.email: type character varying(255) -> text; not null false -> true
    - index public.users_email_idx

    To fix it, apply:

    BEGIN;

    -- rename table public.a to table public.b
    ALTER TABLE public.a RENAME TO b;

    -- drop index public.users_email_idx
    DROP INDEX public.users_email_idx;

    -- create table public.feedback
    CREATE TABLE public.feedback (
        id integer
    );

    -- alter column public.users.email: change type, set not null
    -- hazard access-exclusive-lock: locks table public.users
    -- hazard access-exclusive-lock: locks table public.users while every row is checked
    ALTER TABLE public.users ALTER COLUMN email TYPE text USING email::text;
    ALTER TABLE public.users ALTER COLUMN email SET NOT NULL;

    COMMIT;

    4 differences: 1 missing, 1 unexpected, 1 changed, 1 renamed
    ");
    insta::assert_snapshot!(render_json(&r), @r#"
    {
      "actual": "the database",
      "expected": "the schema",
      "differences": [
        {
          "kind": "renamed",
          "object_kind": "table",
          "name": "public.a",
          "renamed_to": "public.b"
        },
        {
          "kind": "missing",
          "object_kind": "table",
          "name": "public.feedback"
        },
        {
          "kind": "changed",
          "object_kind": "column",
          "name": "public.users.email",
          "attributes": [
            {
              "attribute": "type",
              "actual": "character varying(255)",
              "expected": "text"
            },
            {
              "attribute": "not null",
              "actual": "false",
              "expected": "true"
            }
          ]
        },
        {
          "kind": "unexpected",
          "object_kind": "index",
          "name": "public.users_email_idx"
        }
      ],
      "counts": {
        "total": 4,
        "missing": 1,
        "unexpected": 1,
        "changed": 1,
        "renamed": 1,
        "revisions": 0
      },
      "fix_sql": "BEGIN;\n\n-- rename table public.a to table public.b\nALTER TABLE public.a RENAME TO b;\n\n-- drop index public.users_email_idx\nDROP INDEX public.users_email_idx;\n\n-- create table public.feedback\nCREATE TABLE public.feedback (\n    id integer\n);\n\n-- alter column public.users.email: change type, set not null\n-- hazard access-exclusive-lock: locks table public.users\n-- hazard access-exclusive-lock: locks table public.users while every row is checked\nALTER TABLE public.users ALTER COLUMN email TYPE text USING email::text;\nALTER TABLE public.users ALTER COLUMN email SET NOT NULL;\n\nCOMMIT;\n"
    }
    "#);
    insta::assert_snapshot!(render_github(&r), @r#"
    ::error title=Schema drift::table public.a is expected to be named public.b
    ::error title=Schema drift::table public.feedback is missing
    ::error title=Schema drift::column public.users.email differs: type character varying(255) -> text; not null false -> true
    ::error title=Schema drift::index public.users_email_idx is not expected
    ::notice title=Schema drift::4 differences: 1 missing, 1 unexpected, 1 changed, 1 renamed
    "#);
}

#[test]
fn github_escapes_names() {
    let r = report(
        "CREATE TABLE users (id int);\nCREATE TABLE \"a,b: 100%\nc\" (id int);",
        "CREATE TABLE users (id int);",
    );
    insta::assert_snapshot!(render_github(&r), @r#"
    ::error title=Schema drift::table public."a,b: 100%25%0Ac" is not expected
    ::notice title=Schema drift::1 difference: 1 unexpected
    "#);
    // The human line keeps the name on one line.
    insta::assert_snapshot!(render_human(&r, false), @r#"
    Drift: the database differs from the schema.

    - table public."a,b: 100%\nc"

    To fix it, apply:

    BEGIN;

    -- drop table public."a,b: 100% c"
    -- hazard data-loss: drops table public."a,b: 100% c" and every row in it
    DROP TABLE public."a,b: 100%
    c";

    COMMIT;

    1 difference: 1 unexpected
    "#);
}

#[test]
fn github_diff_is_one_command() {
    let r = report(
        "CREATE TABLE t (id int, CONSTRAINT positive CHECK (id > 0));",
        "CREATE TABLE t (id int, CONSTRAINT positive CHECK (id >= 0));",
    );
    insta::assert_snapshot!(render_github(&r), @r#"
    ::error title=Schema drift::constraint positive on public.t differs: definition changed%0A--- actual%0A+++ expected%0A@@ -1 +1 @@%0A-ALTER TABLE public.t ADD CONSTRAINT positive CHECK ((id > 0))%0A+ALTER TABLE public.t ADD CONSTRAINT positive CHECK ((id >= 0))
    ::notice title=Schema drift::1 difference: 1 changed
    "#);
    insta::assert_snapshot!(render_human(&r, false), @"
    Drift: the database differs from the schema.

    ~ constraint positive on public.t: definition changed
        --- actual
        +++ expected
        @@ -1 +1 @@
        -ALTER TABLE public.t ADD CONSTRAINT positive CHECK ((id > 0))
        +ALTER TABLE public.t ADD CONSTRAINT positive CHECK ((id >= 0))

    To fix it, apply:

    BEGIN;

    -- drop constraint positive on public.t to create it again: its definition changes
    ALTER TABLE public.t DROP CONSTRAINT positive;

    -- create constraint positive on public.t again: its definition changes
    -- hazard access-exclusive-lock: locks table public.t while every row is checked
    ALTER TABLE public.t ADD CONSTRAINT positive CHECK ((id >= 0));

    COMMIT;

    1 difference: 1 changed
    ");
}

#[test]
fn clean() {
    let sql = "CREATE TABLE users (id int PRIMARY KEY, email text);";
    let r = report(sql, sql);
    assert!(r.is_clean());
    insta::assert_snapshot!(render_human(&r, false), @"No drift: the database matches the schema.");
    insta::assert_snapshot!(render_json(&r), @r#"
    {
      "actual": "the database",
      "expected": "the schema",
      "differences": [],
      "counts": {
        "total": 0,
        "missing": 0,
        "unexpected": 0,
        "changed": 0,
        "renamed": 0,
        "revisions": 0
      },
      "fix_sql": ""
    }
    "#);
    insta::assert_snapshot!(render_github(&r), @"::notice title=Schema drift::No drift: the database matches the schema.");
}

#[test]
fn index_and_view_definitions() {
    let r = report(
        "CREATE TABLE t (id int, name text);\nCREATE INDEX t_name_idx ON t (name);\nCREATE VIEW v AS SELECT id, name FROM t WHERE id > 0;\nCOMMENT ON VIEW v IS 'old';",
        "CREATE TABLE t (id int, name text);\nCREATE INDEX t_name_idx ON t (lower(name)) WHERE id > 0;\nCREATE VIEW v AS SELECT id FROM t WHERE id > 0;\nCOMMENT ON VIEW v IS 'new';",
    );
    insta::assert_snapshot!(render_human(&r, false), @"
    Drift: the database differs from the schema.

    ~ index public.t_name_idx: definition changed
        --- actual
        +++ expected
        @@ -1 +1 @@
        -CREATE INDEX t_name_idx ON public.t USING btree (name)
        +CREATE INDEX t_name_idx ON public.t USING btree ((lower(name))) WHERE ((id > 0))
    ~ view public.v: definition changed; comment 'old' -> 'new'
        --- actual
        +++ expected
        @@ -1,5 +1,4 @@
         CREATE VIEW public.v AS
        - SELECT t.id,
        -    t.name
        + SELECT t.id
            FROM public.t
           WHERE (t.id > 0)

    To fix it, apply:

    BEGIN;

    -- drop view public.v to create it again: its definition changes
    DROP VIEW public.v;

    -- drop index public.t_name_idx to create it again: its definition changes
    DROP INDEX public.t_name_idx;

    -- create index public.t_name_idx again: its definition changes
    -- hazard index-build: builds an index on public.t; writes to it wait until it is done
    CREATE INDEX t_name_idx ON public.t USING btree ((lower(name))) WHERE ((id > 0));

    -- create view public.v again: its definition changes
    CREATE VIEW public.v AS
     SELECT t.id
       FROM public.t
      WHERE (t.id > 0);
    COMMENT ON VIEW public.v IS 'new';

    COMMIT;

    2 differences: 2 changed
    ");
}

#[test]
fn options_and_settings() {
    let r = report(
        "CREATE SEQUENCE s INCREMENT 1;\nCREATE DOMAIN pos AS int CHECK (VALUE > 0);\nCREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY, n int);\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';",
        "CREATE SEQUENCE s INCREMENT 5 CACHE 20;\nCREATE DOMAIN pos AS int CHECK (VALUE >= 0);\nCREATE TABLE t (id int GENERATED BY DEFAULT AS IDENTITY, n int GENERATED ALWAYS AS (id * 2) STORED);\nCREATE FUNCTION f() RETURNS int LANGUAGE sql IMMUTABLE STRICT AS 'SELECT 1';",
    );
    insta::assert_snapshot!(render_human(&r, false), @"
    Drift: the database differs from the schema.

    ~ domain public.pos: checks changed
        --- actual
        +++ expected
        @@ -1 +1 @@
        -CONSTRAINT pos_check CHECK ((VALUE > 0))
        +CONSTRAINT pos_check CHECK ((VALUE >= 0))
    ~ sequence public.s: sequence options increment 1, cache 1 -> increment 5, cache 20
    ~ function public.f(): settings volatile, called on null input -> immutable, strict
    ~ column public.t.id: identity generated always as identity -> generated by default as identity
    ~ column public.t.n: generated none -> stored ((id * 2))

    To fix it, apply:

    BEGIN;
    SET LOCAL check_function_bodies = off;

    -- drop column public.t.n to create it again: its generation expression changes
    -- hazard data-loss: drops column public.t.n and its values
    -- hazard access-exclusive-lock: locks table public.t
    ALTER TABLE public.t DROP COLUMN n;

    -- alter domain public.pos
    ALTER DOMAIN public.pos DROP CONSTRAINT pos_check;
    ALTER DOMAIN public.pos ADD CONSTRAINT pos_check CHECK ((VALUE >= 0));

    -- alter sequence public.s
    ALTER SEQUENCE public.s INCREMENT BY 5 CACHE 20;

    -- replace the body of function public.f()
    CREATE OR REPLACE FUNCTION public.f() RETURNS integer
        LANGUAGE sql IMMUTABLE STRICT PARALLEL UNSAFE COST 100
        AS $function$SELECT 1$function$;

    -- alter column public.t.id: change identity
    ALTER TABLE public.t ALTER COLUMN id SET GENERATED BY DEFAULT;

    -- create column public.t.n again: its generation expression changes
    -- hazard access-exclusive-lock: locks table public.t
    -- hazard table-rewrite: fills the new column of public.t row by row (its default is not a constant)
    ALTER TABLE public.t ADD COLUMN n integer GENERATED ALWAYS AS ((id * 2)) STORED;

    COMMIT;

    5 differences: 5 changed
    ");
}
