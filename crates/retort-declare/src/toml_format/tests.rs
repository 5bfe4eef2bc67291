//! Unit tests: hand-built catalogs through `write` and `read`, and errors that point into the file.

use std::collections::{BTreeMap, BTreeSet};

use retort_catalog::*;

use super::{read_str, write};

fn q(schema: &str, name: &str) -> QualifiedName {
    QualifiedName::new(schema, name)
}

fn ids(names: &[&str]) -> Vec<Ident> {
    names.iter().map(|n| Ident::new(*n)).collect()
}

fn col(name: &str, ty: &str) -> Column {
    Column {
        name: Ident::new(name),
        data_type: TypeRef::builtin(ty),
        not_null: false,
        default: None,
        identity: None,
        generated: None,
        collation: None,
        storage: None,
        compression: None,
        statistics: None,
        inherited: false,
        comment: None,
    }
}

fn constraint(name: &str, kind: ConstraintKind) -> Constraint {
    Constraint {
        name: Ident::new(name),
        kind,
        deferrable: false,
        initially_deferred: false,
        not_valid: false,
        comment: None,
        index_comment: None,
    }
}

fn table(name: QualifiedName, columns: Vec<Column>, constraints: Vec<Constraint>) -> Table {
    Table {
        name,
        columns,
        constraints: constraints
            .into_iter()
            .map(|c| (c.name.clone(), c))
            .collect(),
        partition_by: None,
        partition_of: None,
        inherits: Vec::new(),
        unlogged: false,
        options: Vec::new(),
        row_security: false,
        force_row_security: false,
        replica_identity: ReplicaIdentity::Default,
        clustered_on: None,
        policies: BTreeMap::new(),
        comment: None,
    }
}

fn seq_options(data_type: &str) -> SequenceOptions {
    let max = if data_type == "integer" {
        i64::from(i32::MAX)
    } else {
        i64::MAX
    };
    SequenceOptions {
        data_type: data_type.into(),
        start: 1,
        increment: 1,
        min_value: 1,
        max_value: max,
        cache: 1,
        cycle: false,
    }
}

/// A catalog that uses most of the format: odd names, other schemas, non-default options.
fn sample() -> Catalog {
    let mut c = Catalog::default();
    c.insert(Schema {
        name: Ident::new("public"),
        comment: Some("standard public schema".into()),
    });
    c.insert(Schema {
        name: Ident::new("Sales.EU"),
        comment: None,
    });
    c.insert(Extension {
        name: Ident::new("citext"),
        schema: Ident::new("public"),
        version: "1.6".into(),
        requires: Vec::new(),
        comment: None,
    });
    c.insert(EnumType {
        name: q("Sales.EU", "Mood \"x\""),
        labels: vec!["sad".into(), "it's ok".into()],
        comment: Some("line one\nline two".into()),
    });
    c.insert(Sequence {
        name: q("public", "counter"),
        options: SequenceOptions {
            data_type: "integer".into(),
            start: -5,
            increment: -1,
            min_value: -100,
            max_value: -1,
            cache: 10,
            cycle: true,
        },
        unlogged: false,
        owned_by: Some(ColumnRef {
            table: q("Sales.EU", "Order Items"),
            column: Ident::new("qty"),
        }),
        comment: None,
    });
    let mut id = col("id", "bigint");
    id.not_null = true;
    id.identity = Some(Identity {
        kind: IdentityKind::Always,
        sequence_name: q("Sales.EU", "Order Items_id_seq"),
        options: seq_options("bigint"),
    });
    let mut mood = col("mood", "\"Sales.EU\".\"Mood \"\"x\"\"\"[]");
    mood.data_type.user_type = Some(q("Sales.EU", "Mood \"x\""));
    let mut qty = col("qty", "integer");
    qty.identity = Some(Identity {
        kind: IdentityKind::ByDefault,
        sequence_name: q("Sales.EU", "custom_seq"),
        options: SequenceOptions {
            start: 10,
            increment: 2,
            ..seq_options("integer")
        },
    });
    qty.not_null = true;
    let mut total = col("total", "numeric");
    total.generated = Some(Generated {
        kind: GeneratedKind::Stored,
        expression: SqlExpr::new("(qty * 2)"),
    });
    let mut note = col("note", "public.citext");
    note.data_type.user_type = None;
    note.default = Some(SqlExpr::new("'n/a'::public.citext"));
    let mut items = table(
        q("Sales.EU", "Order Items"),
        vec![id, mood, qty, total, note],
        vec![
            constraint(
                "Order Items_pkey",
                ConstraintKind::PrimaryKey {
                    columns: ids(&["id"]),
                    include: Vec::new(),
                    index_options: Vec::new(),
                },
            ),
            constraint(
                "qty_positive",
                ConstraintKind::Check {
                    expression: SqlExpr::new("(qty > 0)"),
                    no_inherit: false,
                },
            ),
            Constraint {
                deferrable: true,
                ..constraint(
                    "items_owner_fkey",
                    ConstraintKind::ForeignKey {
                        columns: ids(&["qty"]),
                        references: q("public", "owners"),
                        referenced_columns: ids(&["id"]),
                        match_type: MatchType::Full,
                        on_update: ReferentialAction::NoAction,
                        on_delete: ReferentialAction::SetNull,
                        on_delete_columns: Vec::new(),
                    },
                )
            },
        ],
    );
    items.replica_identity = ReplicaIdentity::Full;
    items.policies.insert(
        Ident::new("mine"),
        Policy {
            name: Ident::new("mine"),
            command: PolicyCommand::Select,
            permissive: false,
            roles: ids(&["retort_app"]),
            using: Some(SqlExpr::new("true")),
            with_check: None,
            comment: None,
        },
    );
    c.insert(items);
    let mut owner_id = col("id", "integer");
    owner_id.not_null = true;
    c.insert(table(
        q("public", "owners"),
        vec![owner_id],
        vec![constraint(
            "owners_id_key",
            ConstraintKind::Unique {
                columns: ids(&["id"]),
                include: Vec::new(),
                nulls_not_distinct: true,
                index_options: vec!["fillfactor=70".into()],
            },
        )],
    ));
    c.insert(Index {
        name: q("Sales.EU", "items_lower"),
        table: q("Sales.EU", "Order Items"),
        unique: false,
        method: "btree".into(),
        keys: vec![
            IndexElement {
                key: IndexKey::Expression(SqlExpr::new("lower(note)")),
                collation: None,
                opclass: None,
                descending: true,
                nulls_first: false,
            },
            IndexElement {
                key: IndexKey::Column(Ident::new("qty")),
                collation: None,
                opclass: None,
                descending: false,
                nulls_first: false,
            },
        ],
        include: Vec::new(),
        predicate: Some(SqlExpr::new("(qty > 1)")),
        nulls_not_distinct: false,
        options: Vec::new(),
        only: false,
        comment: None,
    });
    c.insert(View {
        name: q("public", "owner_ids"),
        materialized: true,
        definition: " SELECT owners.id\n   FROM owners;".into(),
        options: Vec::new(),
        populated: false,
        depends_on: BTreeSet::from([ObjectRef::Relation {
            name: q("public", "owners"),
        }]),
        column_comments: BTreeMap::from([(Ident::new("id"), "the id".to_owned())]),
        comment: None,
    });
    c.insert(Function {
        id: FunctionId {
            schema: Ident::new("public"),
            name: Ident::new("touch"),
            arguments: String::new(),
        },
        kind: FunctionKind::Function,
        arguments: String::new(),
        returns: Some("trigger".into()),
        language: Ident::new("plpgsql"),
        body: "\nBEGIN\n  RETURN NEW;\nEND\n".into(),
        sql_body: false,
        volatility: Volatility::Volatile,
        strict: false,
        security_definer: true,
        leakproof: false,
        parallel: ParallelSafety::Unsafe,
        cost: "100".into(),
        rows: "0".into(),
        config: vec!["search_path=public, pg_temp".into()],
        depends_on: BTreeSet::new(),
        comment: None,
    });
    c.insert(Function {
        id: FunctionId {
            schema: Ident::new("Sales.EU"),
            name: Ident::new("add"),
            arguments: "a integer, b integer".into(),
        },
        kind: FunctionKind::Procedure,
        arguments: "a integer, b integer DEFAULT 1".into(),
        returns: None,
        language: Ident::new("sql"),
        body: "SELECT a + b".into(),
        sql_body: false,
        volatility: Volatility::Volatile,
        strict: false,
        security_definer: false,
        leakproof: false,
        parallel: ParallelSafety::Unsafe,
        cost: "100".into(),
        rows: "0".into(),
        config: Vec::new(),
        depends_on: BTreeSet::new(),
        comment: None,
    });
    c.insert(Trigger {
        id: TriggerId {
            table: q("Sales.EU", "Order Items"),
            name: Ident::new("touch_items"),
        },
        timing: TriggerTiming::Before,
        events: vec![TriggerEvent::Insert, TriggerEvent::Update(ids(&["qty"]))],
        for_each_row: true,
        when: Some(SqlExpr::new("(new.qty > 0)")),
        function: q("public", "touch"),
        arguments: vec!["a'b".into()],
        old_table: None,
        new_table: None,
        constraint: None,
        enabled: TriggerEnabled::Replica,
        comment: None,
    });
    c
}

#[test]
fn a_hand_built_catalog_round_trips() {
    let catalog = sample();
    let text = write(&catalog).expect("writes");
    let back =
        read_str("schema/s.toml", &text).unwrap_or_else(|e| panic!("{}\n{text}", e.render()));
    assert_eq!(back, catalog, "{text}");
    assert_eq!(write(&back).expect("writes"), text);
    if std::env::var_os("SHOW_TOML").is_some() {
        println!("{text}");
    }
}

#[test]
fn defaults_are_left_out_and_references_are_short() {
    let text = write(&sample()).expect("writes");
    // The default primary key name, identity sequence and `not_null = false` are not written.
    assert!(!text.contains("Order Items_pkey"), "{text}");
    assert!(!text.contains("Order Items_id_seq"), "{text}");
    assert!(!text.contains("not_null = false"), "{text}");
    assert!(text.contains("identity = \"always\""), "{text}");
    // A public table is a plain string; another schema is an inline table.
    assert!(text.contains("references = \"owners\""), "{text}");
    assert!(
        text.contains("table = { schema = \"Sales.EU\", name = \"Order Items\" }"),
        "{text}"
    );
    // A type whose text names it implies its user type; one that does not is spelled out.
    assert!(text.contains("user_type = false"), "{text}");
    assert_eq!(text.matches("user_type").count(), 1, "{text}");
}

#[test]
fn objects_are_written_in_catalog_order() {
    let mut c = Catalog::default();
    for name in ["b", "a", "C"] {
        c.insert(EnumType {
            name: q("public", name),
            labels: vec![],
            comment: None,
        });
    }
    let text = write(&c).expect("writes");
    let a = text.find("\"a\"").expect("a");
    let b = text.find("\"b\"").expect("b");
    let upper = text.find("\"C\"").expect("C");
    assert!(upper < a && a < b, "{text}");
}

#[test]
fn a_hand_written_file_reads_with_defaults() {
    let text = r#"
[[sequence]]
name = "s"

[[table]]
name = "Order Items"

[[table.column]]
name = "id"
type = "integer"
identity = "by_default"

[table.primary_key]
columns = ["id"]
"#;
    let c = read_str("t.toml", text).unwrap_or_else(|e| panic!("{}", e.render()));
    let s = &c.sequences[&q("public", "s")];
    assert_eq!(s.options, seq_options("bigint"));
    let t = &c.tables[&q("public", "Order Items")];
    let identity = t.columns[0].identity.as_ref().expect("identity");
    assert_eq!(identity.sequence_name, q("public", "Order Items_id_seq"));
    assert_eq!(identity.options, seq_options("integer"));
    assert!(t.constraints.contains_key(&Ident::new("Order Items_pkey")));
}

fn error(text: &str) -> String {
    read_str("schema/x.toml", text)
        .expect_err("fails")
        .to_string()
}

#[test]
fn a_syntax_error_names_the_line_and_column() {
    let e = error("[[table]]\nname = \"t\"\ncomment = \n");
    assert!(e.starts_with("schema/x.toml:3:11: "), "{e}");
}

#[test]
fn an_unknown_key_is_an_error_at_the_key() {
    let e = error(
        "[[table]]\nname = \"t\"\n\n[[table.column]]\nname = \"a\"\ntype = \"text\"\nnot_nul = true\n",
    );
    assert!(e.starts_with("schema/x.toml:7:1: "), "{e}");
    assert!(e.contains("not_nul"), "{e}");
}

#[test]
fn a_duplicate_table_is_an_error_at_the_second_name() {
    let e = error("[[table]]\nname = \"t\"\n\n[[table]]\nschema = \"public\"\nname = \"t\"\n");
    assert_eq!(e, "schema/x.toml:6:8: table public.t is declared twice");
}

#[test]
fn a_duplicate_column_names_its_table() {
    let e = error(
        "[[table]]\nname = \"t\"\n[[table.column]]\nname = \"a\"\ntype = \"text\"\n[[table.column]]\nname = \"a\"\ntype = \"text\"\n",
    );
    assert_eq!(
        e,
        "schema/x.toml:7:8: column a is declared twice (in table public.t)"
    );
}

#[test]
fn a_reference_to_an_unknown_table_is_an_error_at_the_reference() {
    let e = error(
        "[[index]]\nname = \"i\"\ntable = { schema = \"s\", name = \"missing\" }\nkeys = [{ column = \"a\" }]\n",
    );
    assert_eq!(
        e,
        "schema/x.toml:3:9: table: no table or view s.missing is declared (in index s.i)"
    );
    let fk = error(
        "[[table]]\nname = \"t\"\n[[table.column]]\nname = \"a\"\ntype = \"text\"\n[[table.foreign_key]]\nname = \"f\"\ncolumns = [\"a\"]\nreferences = \"nope\"\nreferenced_columns = [\"id\"]\n",
    );
    assert_eq!(
        fk,
        "schema/x.toml:9:14: foreign key f: no table public.nope is declared (in table public.t)"
    );
}

#[test]
fn a_dotted_string_is_one_name_in_public() {
    let text = "[[table]]\nname = \"a.b\"\n\n[[index]]\nname = \"i\"\ntable = \"a.b\"\nkeys = [{ column = \"x\" }]\n";
    let c = read_str("x.toml", text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.indexes[&q("public", "i")].table, q("public", "a.b"));
}

#[test]
fn a_key_needs_a_column_or_an_expression() {
    let e = error(
        "[[table]]\nname = \"t\"\n[[index]]\nname = \"i\"\ntable = \"t\"\nkeys = [{ descending = true }]\n",
    );
    assert!(
        e.contains("exactly one of `column` and `expression`"),
        "{e}"
    );
    assert!(e.starts_with("schema/x.toml:4:8:"), "{e}");
}

#[test]
fn errors_render_with_a_caret() {
    let e = read_str(
        "schema/x.toml",
        "[[enum]]\nname = \"e\"\nvalues = [\"a\"]\nlabels = []\n",
    )
    .expect_err("unknown key");
    let shown = e.render();
    assert!(shown.contains("schema/x.toml:4:1"), "{shown}");
    assert!(shown.contains("labels = []"), "{shown}");
    assert!(shown.contains('^'), "{shown}");
}

#[test]
fn a_value_of_the_wrong_shape_says_what_is_expected() {
    let e = error(
        "[[table]]\nname = \"t\"\n[[table.column]]\nname = \"a\"\ntype = \"text\"\nidentity = \"alwys\"\n",
    );
    assert!(
        e.starts_with("schema/x.toml:6:12: expected `\"always\"`"),
        "{e}"
    );
}

#[test]
fn awkward_text_survives_the_round_trip() {
    let awkward = [
        "a\r\nb",
        "tab\there",
        "ends with a backslash \\",
        "\"\"\" and ''' inside",
        "'single' and \"double\"",
        "\nleading newline",
        "trailing newline\n",
        "control \u{1} \u{7f} char",
        "unicode: é ✓ 🐘",
        "",
    ];
    let mut c = Catalog::default();
    for (i, text) in awkward.iter().enumerate() {
        c.insert(Schema {
            name: Ident::new(format!("s{i} {text}")),
            comment: Some((*text).to_owned()),
        });
        c.insert(EnumType {
            name: q(text, text),
            labels: vec![(*text).to_owned()],
            comment: Some((*text).to_owned()),
        });
    }
    c.insert(View {
        name: q("public", "v"),
        materialized: false,
        definition: " SELECT 1 AS \"Order Items\";".into(),
        options: vec!["security_barrier=true".into()],
        populated: true,
        depends_on: BTreeSet::new(),
        column_comments: awkward
            .iter()
            .map(|t| (Ident::new(format!("c {t}")), (*t).to_owned()))
            .collect(),
        comment: None,
    });
    let text = write(&c).expect("writes");
    let back = read_str("x.toml", &text).unwrap_or_else(|e| panic!("{}\n{text}", e.render()));
    assert_eq!(back, c, "{text}");
}

fn toml_file(display: &str, text: &str) -> crate::files::SchemaFile {
    crate::files::SchemaFile {
        path: display.into(),
        display: display.to_owned(),
        kind: crate::files::FileKind::Toml,
        text: std::sync::Arc::from(text),
    }
}

#[test]
fn several_files_make_one_catalog() {
    let a = toml_file("a.toml", "[[table]]\nname = \"t\"\n");
    let b = toml_file(
        "b.toml",
        "[[index]]\nname = \"i\"\ntable = \"t\"\nkeys = [{ column = \"x\" }]\n",
    );
    let sql = crate::files::SchemaFile {
        kind: crate::files::FileKind::Sql,
        ..toml_file("c.sql", "not toml at all")
    };
    let c = super::read_files(&[a.clone(), b.clone(), sql]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.tables.len(), 1);
    assert_eq!(c.indexes.len(), 1);
    // Alone, the index file refers to a table it does not declare.
    let alone = super::read(&b).expect_err("unknown table").to_string();
    assert!(alone.starts_with("b.toml:3:9: "), "{alone}");
    // The same table in two files is reported in the second file.
    let again = toml_file("d.toml", "\n[[table]]\nname = \"t\"\n");
    let twice = super::read_files(&[a, again])
        .expect_err("duplicate")
        .to_string();
    assert_eq!(twice, "d.toml:3:8: table public.t is declared twice");
}

#[test]
fn an_index_is_in_its_tables_schema() {
    let table = "[[table]]\nname = \"t\"\nschema = \"s\"\n";
    let index = "[[index]]\nname = \"i\"\ntable = { schema = \"s\", name = \"t\" }\nkeys = [{ column = \"a\" }]\n";
    let c = read_str("x.toml", &format!("{table}{index}")).unwrap_or_else(|e| panic!("{e}"));
    assert!(c.indexes.contains_key(&q("s", "i")));
    let wrong = error(&format!("{table}{index}schema = \"public\"\n"));
    assert_eq!(
        wrong,
        "schema/x.toml:5:8: an index is in its table's schema (s) (in index public.i)"
    );
}

#[test]
fn a_constraint_on_a_missing_column_is_an_error() {
    let e = error(
        "[[table]]\nname = \"t\"\n[[table.column]]\nname = \"id\"\ntype = \"integer\"\n[[table.unique]]\nname = \"u\"\ncolumns = [\"idd\"]\n",
    );
    assert_eq!(
        e,
        "schema/x.toml:7:8: constraint u: the table has no column idd (in table public.t)"
    );
}
