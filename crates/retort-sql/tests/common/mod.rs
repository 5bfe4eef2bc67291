//! Builders for hand-made catalogs, shared by the rendering and the database tests.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use retort_catalog::*;

pub fn qn(schema: &str, name: &str) -> QualifiedName {
    QualifiedName::new(schema, name)
}

pub fn idents(names: &[&str]) -> Vec<Ident> {
    names.iter().map(|n| Ident::new(*n)).collect()
}

pub fn expr(text: &str) -> SqlExpr {
    SqlExpr::new(text)
}

pub fn user_type(sql: &str, schema: &str, name: &str) -> TypeRef {
    TypeRef {
        sql: sql.to_owned(),
        user_type: Some(qn(schema, name)),
    }
}

pub fn col(name: &str, sql_type: &str) -> Column {
    Column {
        name: Ident::new(name),
        data_type: TypeRef::builtin(sql_type),
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

pub fn table(schema: &str, name: &str, columns: Vec<Column>) -> Table {
    Table {
        name: qn(schema, name),
        columns,
        constraints: BTreeMap::new(),
        partition_by: None,
        partition_of: None,
        inherits: vec![],
        unlogged: false,
        options: vec![],
        row_security: false,
        force_row_security: false,
        replica_identity: Default::default(),
        clustered_on: None,
        policies: BTreeMap::new(),
        comment: None,
    }
}

pub fn constraint(name: &str, kind: ConstraintKind) -> Constraint {
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

pub fn with_constraints(mut table: Table, constraints: Vec<Constraint>) -> Table {
    for c in constraints {
        table.constraints.insert(c.name.clone(), c);
    }
    table
}

pub fn primary_key(name: &str, columns: &[&str]) -> Constraint {
    constraint(
        name,
        ConstraintKind::PrimaryKey {
            columns: idents(columns),
            include: vec![],
            index_options: vec![],
        },
    )
}

pub fn check(name: &str, expression: &str) -> Constraint {
    constraint(
        name,
        ConstraintKind::Check {
            expression: expr(expression),
            no_inherit: false,
        },
    )
}

pub fn foreign_key(
    name: &str,
    columns: &[&str],
    references: QualifiedName,
    referenced: &[&str],
) -> Constraint {
    constraint(
        name,
        ConstraintKind::ForeignKey {
            columns: idents(columns),
            references,
            referenced_columns: idents(referenced),
            match_type: MatchType::Simple,
            on_update: ReferentialAction::NoAction,
            on_delete: ReferentialAction::NoAction,
            on_delete_columns: vec![],
        },
    )
}

pub fn seq_options(data_type: &str, start: i64, max: i64) -> SequenceOptions {
    SequenceOptions {
        data_type: data_type.to_owned(),
        start,
        increment: 1,
        min_value: 1,
        max_value: max,
        cache: 1,
        cycle: false,
    }
}

pub fn identity(kind: IdentityKind, sequence: QualifiedName, options: SequenceOptions) -> Identity {
    Identity {
        kind,
        sequence_name: sequence,
        options,
    }
}

pub fn key(column: &str) -> IndexElement {
    IndexElement {
        key: IndexKey::Column(Ident::new(column)),
        collation: None,
        opclass: None,
        descending: false,
        nulls_first: false,
    }
}

pub fn expr_key(expression: &str) -> IndexElement {
    IndexElement {
        key: IndexKey::Expression(expr(expression)),
        ..key("unused")
    }
}

pub fn index(schema: &str, name: &str, table: &str, keys: Vec<IndexElement>) -> Index {
    Index {
        name: qn(schema, name),
        table: qn(schema, table),
        unique: false,
        method: "btree".to_owned(),
        keys,
        include: vec![],
        predicate: None,
        nulls_not_distinct: false,
        options: vec![],
        only: false,
        comment: None,
    }
}

pub fn function(
    schema: &str,
    name: &str,
    identity_args: &str,
    returns: Option<&str>,
    body: &str,
) -> Function {
    Function {
        id: FunctionId {
            schema: Ident::new(schema),
            name: Ident::new(name),
            arguments: identity_args.to_owned(),
        },
        kind: if returns.is_some() {
            FunctionKind::Function
        } else {
            FunctionKind::Procedure
        },
        arguments: identity_args.to_owned(),
        returns: returns.map(str::to_owned),
        language: Ident::new("plpgsql"),
        body: body.to_owned(),
        sql_body: false,
        volatility: Volatility::Volatile,
        strict: false,
        security_definer: false,
        leakproof: false,
        parallel: ParallelSafety::Unsafe,
        cost: "100".to_owned(),
        rows: "0".to_owned(),
        config: vec![],
        depends_on: BTreeSet::new(),
        comment: None,
    }
}

pub fn function_id(schema: &str, name: &str, args: &str) -> FunctionId {
    FunctionId {
        schema: Ident::new(schema),
        name: Ident::new(name),
        arguments: args.to_owned(),
    }
}

pub fn view(schema: &str, name: &str, definition: &str, depends_on: Vec<ObjectRef>) -> View {
    View {
        name: qn(schema, name),
        materialized: false,
        definition: definition.to_owned(),
        options: vec![],
        populated: true,
        depends_on: depends_on.into_iter().collect(),
        column_comments: BTreeMap::new(),
        comment: None,
    }
}

pub fn relation(schema: &str, name: &str) -> ObjectRef {
    ObjectRef::Relation {
        name: qn(schema, name),
    }
}

pub fn trigger(schema: &str, table: &str, name: &str, function: QualifiedName) -> Trigger {
    Trigger {
        id: TriggerId {
            table: qn(schema, table),
            name: Ident::new(name),
        },
        timing: TriggerTiming::Before,
        events: vec![TriggerEvent::Insert],
        for_each_row: true,
        when: None,
        function,
        arguments: vec![],
        old_table: None,
        new_table: None,
        constraint: None,
        enabled: TriggerEnabled::Origin,
        comment: None,
    }
}

pub fn schema(name: &str) -> Schema {
    Schema {
        name: Ident::new(name),
        comment: None,
    }
}

/// The statements of a rendered script after its header, for snapshots.
pub fn body(script: &str) -> &str {
    let start = script
        .find("\n\n")
        .expect("a script has a header followed by a blank line");
    &script[start + 2..]
}
