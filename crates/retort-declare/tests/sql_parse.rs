//! Parsing SQL schema files: noise, retort's own forms, and errors at the right place.

use std::path::PathBuf;
use std::sync::Arc;

use retort_declare::files::{FileKind, SchemaFile};
use retort_declare::sql::{
    AlterDomainAction, AlterTableAction, CheckOption, CommentKind, DomainConstraintKind, Ignored,
    OwnedBy, Parsed, PartitionBound, RetortStatement, parse_file,
};
use sqlparser::ast::Statement;

fn file(text: &str) -> SchemaFile {
    SchemaFile {
        path: PathBuf::from("schema/app.sql"),
        display: "schema/app.sql".to_owned(),
        kind: FileKind::Sql,
        text: Arc::from(text),
    }
}

#[test]
fn a_typo_on_line_three_is_reported_at_line_three_and_its_column() {
    let text = "CREATE TABLE a (id int);\n\nCREATE TABLE b (\n  id int,\n  name text NOT NUL\n);\n";
    let text = text.replacen("CREATE TABLE b", "CREAT TABLE b", 1);
    let e = parse_file(&file(&text)).expect_err("typo");
    assert_eq!(e.line_column(), (3, 1), "{e}");
    assert!(e.to_string().starts_with("schema/app.sql:3:1: "), "{e}");
    assert_eq!(&text[e.span.clone()], "CREAT");

    let text =
        "CREATE TABLE a (id int);\n-- a comment\nCREATE TABLE b (id int, name txt NOT NUL);\n";
    let e = parse_file(&file(text)).expect_err("bad column");
    // sqlparser takes `txt` as a type name and `NOT` as the start of `NOT NULL`.
    let (line, column) = e.line_column();
    assert_eq!(line, 3, "{e}");
    assert_eq!(&text[e.span.clone()], "NOT", "{e}");
    assert_eq!(column, "CREATE TABLE b (id int, name txt NOT".len() - 2);
    let shown = e.render();
    assert!(
        shown.contains("CREATE TABLE b (id int, name txt NOT NUL);"),
        "{shown}"
    );
    assert!(shown.contains("^^^"), "{shown}");
}

#[test]
fn errors_after_a_multi_line_statement_start_map_to_the_file() {
    let text = "SET x = 1;\n\nCOMMENT ON TABLE t\n  IS 42;";
    let e = parse_file(&file(text)).expect_err("not a string");
    assert_eq!(e.line_column(), (4, 6), "{e}");
    let e = parse_file(&file("SELECT 'x")).expect_err("unterminated");
    assert_eq!(
        e.to_string(),
        "schema/app.sql:1:8: unterminated quoted string"
    );
}

#[test]
fn session_noise_is_dropped_and_privileges_are_kept_aside() {
    let text = "\\restrict k\nSET statement_timeout = 0;\nSELECT pg_catalog.set_config('search_path', '', false);\n\
                CREATE TABLE public.t (id integer);\nALTER TABLE public.t OWNER TO app;\n\
                GRANT SELECT ON public.t TO reader;\nREVOKE ALL ON SCHEMA public FROM PUBLIC;\n\\unrestrict k\n";
    let parsed = parse_file(&file(text)).expect("parses");
    assert_eq!(parsed.len(), 3, "{parsed:#?}");
    assert!(
        matches!(parsed[0].retort(), Some(RetortStatement::CreateTable { statement, .. }) if matches!(**statement, Statement::CreateTable(_)))
    );
    assert_eq!(parsed[0].text, "CREATE TABLE public.t (id integer)");
    assert_eq!(&text[parsed[0].span.clone()], parsed[0].text);
    assert_eq!(parsed[1].parsed, Parsed::Ignored(Ignored::Privileges));
    assert_eq!(parsed[2].parsed, Parsed::Ignored(Ignored::Privileges));
}

#[test]
fn pg_dump_sequences_and_owned_by() {
    let text = "CREATE SEQUENCE public.t_id_seq\n    AS integer\n    START WITH 1\n    INCREMENT BY 1\n    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1;\n\
                ALTER SEQUENCE public.t_id_seq OWNED BY public.t.id;\nALTER SEQUENCE s OWNED BY NONE;";
    let parsed = parse_file(&file(text)).expect("parses");
    let Some(RetortStatement::CreateSequence {
        statement: create,
        unlogged: false,
    }) = parsed[0].retort()
    else {
        panic!("{parsed:#?}")
    };
    let Statement::CreateSequence {
        name,
        data_type,
        sequence_options,
        ..
    } = &**create
    else {
        panic!("{create:?}")
    };
    assert_eq!(name.to_string(), "public.t_id_seq");
    assert_eq!(
        data_type.as_ref().map(ToString::to_string).as_deref(),
        Some("INTEGER")
    );
    assert_eq!(sequence_options.len(), 5);
    let Some(RetortStatement::AlterSequence(alter)) = parsed[1].retort() else {
        panic!("{parsed:#?}")
    };
    assert_eq!(alter.name.to_string(), "public.t_id_seq");
    assert!(matches!(&alter.owned_by, Some(OwnedBy::Column(c)) if c.to_string() == "public.t.id"));
    let Some(RetortStatement::AlterSequence(none)) = parsed[2].retort() else {
        panic!("{parsed:#?}")
    };
    assert_eq!(none.owned_by, Some(OwnedBy::None));
}

#[test]
fn comment_on_targets_are_parsed_and_literals_unescaped() {
    let text = "COMMENT ON FUNCTION app.f(a integer, character varying, OUT r text) IS 'it''s';\n\
                COMMENT ON CONSTRAINT \"c\" ON DOMAIN app.d IS E'line\\nnext';\n\
                COMMENT ON TRIGGER trg ON app.t IS NULL;\nCOMMENT ON COLUMN app.t.c IS $$x$$;\n\
                COMMENT ON MATERIALIZED VIEW app.mv IS 'm';";
    let parsed = parse_file(&file(text)).expect("parses");
    let comments: Vec<_> = parsed
        .iter()
        .map(|p| match p.retort() {
            Some(RetortStatement::CommentOn(c)) => c.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(comments[0].kind, CommentKind::Function);
    assert_eq!(comments[0].name.to_string(), "app.f");
    let args = comments[0].args.as_ref().expect("args");
    let shown: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    assert_eq!(shown, ["a INTEGER", "CHARACTER VARYING", "OUT r TEXT"]);
    assert_eq!(comments[0].comment.as_deref(), Some("it's"));
    assert_eq!(comments[1].kind, CommentKind::DomainConstraint);
    assert_eq!(
        comments[1].on.as_ref().map(ToString::to_string).as_deref(),
        Some("app.d")
    );
    assert_eq!(comments[1].comment.as_deref(), Some("line\nnext"));
    assert_eq!(comments[2].kind, CommentKind::Trigger);
    assert_eq!(comments[2].comment, None);
    assert_eq!(comments[3].kind, CommentKind::Column);
    assert_eq!(comments[3].name.to_string(), "app.t.c");
    assert_eq!(comments[3].comment.as_deref(), Some("x"));
    assert_eq!(comments[4].kind, CommentKind::MaterializedView);
}

#[test]
fn annotations_reach_the_parsed_statement() {
    let text = "-- retort:renamed-from old_t\nCREATE TABLE t (id int);";
    let parsed = parse_file(&file(text)).expect("parses");
    assert_eq!(parsed[0].annotations.len(), 1);
    assert_eq!(parsed[0].annotations[0].text, "renamed-from old_t");
}

#[test]
fn function_and_view_clauses_sqlparser_lacks_are_kept_beside_the_statement() {
    let text = "CREATE FUNCTION f(a integer) RETURNS integer LANGUAGE sql IMMUTABLE LEAKPROOF COST 5 ROWS 10 AS $$ SELECT a $$;\n\
                CREATE PROCEDURE p(IN a interval, INOUT n integer DEFAULT 0) LANGUAGE plpgsql AS $$ BEGIN END $$;\n\
                CREATE VIEW v WITH (security_barrier) AS SELECT 1 AS x WITH LOCAL CHECK OPTION;\n\
                CREATE MATERIALIZED VIEW m AS SELECT 1 AS x WITH NO DATA;\n\
                CREATE RECURSIVE VIEW r (n) AS SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3;";
    let parsed = parse_file(&file(text)).expect("parses");
    let Some(RetortStatement::CreateFunction { statement, extras }) = parsed[0].retort() else {
        panic!("{parsed:#?}")
    };
    assert!(matches!(**statement, Statement::CreateFunction(_)));
    assert_eq!(extras.leakproof, Some(true));
    assert_eq!(extras.cost.as_deref(), Some("5"));
    assert_eq!(extras.rows.as_deref(), Some("10"));
    assert!(!extras.procedure);
    let Some(RetortStatement::CreateFunction { extras, .. }) = parsed[1].retort() else {
        panic!("{parsed:#?}")
    };
    assert!(extras.procedure);
    let view = |i: usize| match parsed[i].retort() {
        Some(RetortStatement::CreateView { statement, extras }) => {
            assert!(matches!(**statement, Statement::CreateView(_)));
            extras.clone()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(view(2).check_option, Some(CheckOption::Local));
    assert_eq!(view(3).with_data, Some(false));
    assert!(view(4).recursive);
    assert!(!view(3).recursive);
}

#[test]
fn alter_table_actions_sqlparser_rejects_and_extension_versions() {
    let text = "ALTER TABLE ONLY t ALTER COLUMN \"full\" SET STATISTICS 200, ALTER COLUMN b SET STORAGE EXTERNAL, ADD COLUMN c int;\n\
                ALTER TABLE ONLY p ATTACH PARTITION p_2024 FOR VALUES FROM ('2024-01-01') TO (MAXVALUE);\n\
                ALTER TABLE t ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME t_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1);\n\
                ALTER TABLE t CLUSTER ON t_idx;\nALTER TABLE t ADD COLUMN d int;\n\
                CREATE EXTENSION pg_trgm VERSION '1.3' SCHEMA ext;";
    let parsed = parse_file(&file(text)).expect("parses");
    let alter = |i: usize| match parsed[i].retort() {
        Some(RetortStatement::AlterTable(a)) => a.clone(),
        other => panic!("{other:?}"),
    };
    let first = alter(0);
    assert!(first.only);
    assert!(
        matches!(&first.actions[0], AlterTableAction::SetStatistics { column, .. } if column.value == "full")
    );
    assert!(
        matches!(&first.actions[1], AlterTableAction::SetStorage { storage, .. } if storage.value == "EXTERNAL")
    );
    assert!(matches!(&first.actions[2], AlterTableAction::Sql(_)));
    assert!(matches!(
        &alter(1).actions[0],
        AlterTableAction::AttachPartition { bound: PartitionBound::Range { from, to }, .. }
            if from.len() == 1 && to.len() == 1
    ));
    let AlterTableAction::AddIdentity {
        always,
        sequence_name,
        options,
        ..
    } = &alter(2).actions[0]
    else {
        panic!("{:?}", alter(2))
    };
    assert!(!always);
    assert_eq!(
        sequence_name.as_ref().map(ToString::to_string).as_deref(),
        Some("t_id_seq")
    );
    assert_eq!(options.len(), 5);
    assert!(
        matches!(&alter(3).actions[0], AlterTableAction::ClusterOn { index } if index.value == "t_idx")
    );
    // What stock sqlparser reads stays a sqlparser statement.
    assert!(matches!(&parsed[4].parsed, Parsed::Sql(s) if matches!(**s, Statement::AlterTable(_))));
    let Parsed::Sql(ext) = &parsed[5].parsed else {
        panic!("{parsed:#?}")
    };
    let Statement::CreateExtension(ext) = &**ext else {
        panic!("{ext:?}")
    };
    assert_eq!(ext.version.as_ref().map(|v| v.value.as_str()), Some("1.3"));
    assert_eq!(ext.schema.as_ref().map(|v| v.value.as_str()), Some("ext"));
}

#[test]
fn an_alter_table_error_points_at_the_furthest_token() {
    let text = "ALTER TABLE t\n  ALTER COLUMN a SET STATISTICS 10,\n  ALTER COLUMN b SET BOGUS 1;";
    let e = parse_file(&file(text)).expect_err("bogus");
    assert_eq!(e.line_column().0, 3, "{e}");
}

#[test]
fn atomic_bodies_trigger_arguments_and_identity_options_in_pg_dump_order() {
    let text = "CREATE FUNCTION f() RETURNS bigint LANGUAGE sql STABLE\nBEGIN ATOMIC\n  SELECT 1;\n  SELECT CASE WHEN true THEN 2 END;\nEND;\n\
                CREATE TRIGGER \"t \"\"x\"\"\" AFTER UPDATE ON s.t FOR EACH ROW EXECUTE FUNCTION s.log('it''s', E'a\\\\b', 42);\n\
                CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 2 NO MINVALUE CACHE 5), x int);";
    let parsed = parse_file(&file(text)).expect("parses");
    let Some(RetortStatement::CreateFunction { extras, .. }) = parsed[0].retort() else {
        panic!("{parsed:#?}")
    };
    assert_eq!(
        extras.atomic_body.as_deref(),
        Some("BEGIN ATOMIC\n  SELECT 1;\n  SELECT CASE WHEN true THEN 2 END;\nEND")
    );
    let Some(RetortStatement::CreateTrigger { statement, args }) = parsed[1].retort() else {
        panic!("{parsed:#?}")
    };
    assert!(matches!(**statement, Statement::CreateTrigger(_)));
    assert_eq!(args, &["it's", "a\\b", "42"]);
    let Some(RetortStatement::CreateTable { statement, .. }) = parsed[2].retort() else {
        panic!("{parsed:#?}")
    };
    let Statement::CreateTable(table) = &**statement else {
        panic!("{statement:?}")
    };
    let shown = table.columns[0].to_string();
    assert!(shown.contains("START WITH 10"), "{shown}");
    assert!(shown.contains("INCREMENT BY 2"), "{shown}");
    assert!(shown.contains("CACHE 5"), "{shown}");
}

#[test]
fn domains_with_collation_default_and_several_constraints() {
    let text = "CREATE DOMAIN s.d AS character varying(63) COLLATE \"POSIX\" DEFAULT 'x' NOT NULL CONSTRAINT short CHECK (length(VALUE) < 10) CHECK (VALUE <> '');\n\
                ALTER DOMAIN s.d ADD CONSTRAINT odd CHECK (VALUE % 2 = 1) NOT VALID;";
    let parsed = parse_file(&file(text)).expect("parses");
    let Some(RetortStatement::CreateDomain(domain)) = parsed[0].retort() else {
        panic!("{parsed:#?}")
    };
    assert_eq!(
        domain
            .collation
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("\"POSIX\"")
    );
    assert!(domain.default.is_some());
    let kinds: Vec<_> = domain
        .constraints
        .iter()
        .map(|c| {
            (
                c.name.as_ref().map(|n| n.value.clone()),
                matches!(c.kind, DomainConstraintKind::Check(_)),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (None, false),
            (Some("short".to_owned()), true),
            (None, true)
        ]
    );
    let Some(RetortStatement::AlterDomain { action, .. }) = parsed[1].retort() else {
        panic!("{parsed:#?}")
    };
    let AlterDomainAction::AddConstraint(c) = &**action else {
        panic!("{action:?}")
    };
    assert!(c.not_valid);
    assert_eq!(c.name.as_ref().map(|n| n.value.as_str()), Some("odd"));
}

#[test]
fn partitioned_indexes_as_pg_dump_writes_them() {
    let text = "CREATE INDEX m_idx ON ONLY s.m USING btree (note);\nCREATE UNIQUE INDEX u_idx ON s.m (id);\n\
                ALTER INDEX s.m_idx ATTACH PARTITION s.m_2024_note_idx;";
    let parsed = parse_file(&file(text)).expect("parses");
    let index = |i: usize| match parsed[i].retort() {
        Some(RetortStatement::CreateIndex { statement, only }) => {
            assert!(matches!(**statement, Statement::CreateIndex(_)));
            *only
        }
        other => panic!("{other:?}"),
    };
    assert!(index(0));
    assert!(!index(1));
    let Some(RetortStatement::AlterIndexAttachPartition { index, partition }) = parsed[2].retort()
    else {
        panic!("{parsed:#?}")
    };
    assert_eq!(index.to_string(), "s.m_idx");
    assert_eq!(partition.to_string(), "s.m_2024_note_idx");
}

#[test]
fn table_constraint_clauses_sqlparser_lacks_are_kept_beside_the_statement() {
    let text = "CREATE TABLE s.t (\n  id int,\n  a int,\n  CONSTRAINT t_pkey PRIMARY KEY (id) INCLUDE (a) WITH (fillfactor = 90) USING INDEX TABLESPACE fast,\n  \
                CONSTRAINT pos CHECK (a > 0) NOT VALID,\n  CONSTRAINT fk FOREIGN KEY (id, a) REFERENCES s.u (id, a) ON DELETE SET NULL (a)\n);\n\
                CREATE TABLE s.p2 PARTITION OF s.p (a WITH OPTIONS NOT NULL) FOR VALUES FROM (1) TO (10);";
    let parsed = parse_file(&file(text)).expect("parses");
    let Some(RetortStatement::CreateTable { statement, extras }) = parsed[0].retort() else {
        panic!("{parsed:#?}")
    };
    let Statement::CreateTable(table) = &**statement else {
        panic!("{statement:?}")
    };
    assert_eq!(table.constraints.len(), 3);
    assert_eq!(extras.not_valid, [1]);
    assert_eq!(extras.index_with, [(0, "fillfactor = 90".to_owned())]);
    assert_eq!(extras.index_tablespace, [(0, "fast".to_owned())]);
    assert_eq!(extras.on_delete_columns, [(2, vec!["a".to_owned()])]);
    let Some(RetortStatement::CreateTable { extras, .. }) = parsed[1].retort() else {
        panic!("{parsed:#?}")
    };
    assert_eq!(extras, &Default::default());
}

#[test]
fn renaming_a_column_called_owner_is_not_ownership_noise() {
    let text = "ALTER TABLE t RENAME COLUMN owner TO holder;\nALTER TABLE t RENAME owner TO holder;\n\
                SELECT set_config('a', 'b', false) FROM t;\nALTER SCHEMA s OWNER TO app;";
    let parsed = parse_file(&file(text)).expect("parses");
    assert_eq!(parsed.len(), 3, "{parsed:#?}");
    assert!(parsed.iter().all(|p| p.sql().is_some()), "{parsed:#?}");
}

#[test]
fn unlogged_sequences_say_so() {
    let parsed =
        parse_file(&file("CREATE UNLOGGED SEQUENCE s.q AS integer CACHE 20;")).expect("parses");
    let Some(RetortStatement::CreateSequence {
        statement,
        unlogged,
    }) = parsed[0].retort()
    else {
        panic!("{parsed:#?}")
    };
    assert!(*unlogged);
    assert!(
        matches!(&**statement, Statement::CreateSequence { name, .. } if name.to_string() == "s.q")
    );
}
