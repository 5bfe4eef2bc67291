//! Statement builders: one catalog object in, SQL text out (without the final `;`).
//!
//! Names and literals go through [`crate::quote`]; SQL fragments stored in the catalog
//! (types, expressions, bodies, partition bounds) are PostgreSQL's canonical text and are emitted
//! verbatim.

use retort_catalog::{
    Collation, CollationProvider, Column, ColumnStorage, CompositeType, Constraint, ConstraintKind,
    Domain, DomainCheck, EnumType, Extension, Function, FunctionKind, GeneratedKind, Ident,
    IdentityKind, Index, IndexElement, IndexKey, MatchType, ParallelSafety, PartitionKey,
    PartitionStrategy, Policy, PolicyCommand, QualifiedName, ReferentialAction, ReplicaIdentity,
    Schema, Sequence, SequenceOptions, SqlExpr, Table, Trigger, TriggerEnabled, TriggerEvent,
    TriggerTiming, View, Volatility,
};

use crate::error::RenderError;
use crate::order::Deferred;
use crate::quote::{dollar_quote, quote_ident, quote_literal, quote_qualified};

// ---------------------------------------------------------------------------------------------
// Small pieces

fn ident(name: &Ident) -> String {
    quote_ident(name.as_str())
}

/// `a, "B", c`
fn ident_list(names: &[Ident]) -> String {
    names.iter().map(ident).collect::<Vec<_>>().join(", ")
}

/// `schema.table.column` for `COMMENT ON COLUMN`.
fn column_path(relation: &QualifiedName, column: &Ident) -> String {
    format!("{}.{}", quote_qualified(relation), ident(column))
}

/// Storage parameters as pg_dump writes them: the name as an identifier, the value bare when it
/// is an identifier that needs no quoting, otherwise as a string literal.
fn reloptions(options: &[String]) -> String {
    options
        .iter()
        .map(|option| {
            let (name, value) = option.split_once('=').unwrap_or((option.as_str(), ""));
            let value = if quote_ident(value) == value {
                value.to_owned()
            } else {
                quote_literal(value)
            };
            format!("{}={value}", quote_ident(name))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// ` WITH (...)`, or nothing.
fn with_clause(options: &[String]) -> String {
    if options.is_empty() {
        String::new()
    } else {
        format!(" WITH ({})", reloptions(options))
    }
}

/// ` INCLUDE (...)`, or nothing.
fn include_clause(include: &[Ident]) -> String {
    if include.is_empty() {
        String::new()
    } else {
        format!(" INCLUDE ({})", ident_list(include))
    }
}

fn sequence_options(options: &SequenceOptions) -> String {
    format!(
        "START WITH {} INCREMENT BY {} MINVALUE {} MAXVALUE {} CACHE {}{}",
        options.start,
        options.increment,
        options.min_value,
        options.max_value,
        options.cache,
        if options.cycle { " CYCLE" } else { " NO CYCLE" }
    )
}

fn deferral(deferrable: bool, initially_deferred: bool) -> &'static str {
    match (deferrable, initially_deferred) {
        (false, _) => "",
        (true, false) => " DEFERRABLE",
        (true, true) => " DEFERRABLE INITIALLY DEFERRED",
    }
}

fn referential_action(action: ReferentialAction) -> &'static str {
    match action {
        ReferentialAction::NoAction => "NO ACTION",
        ReferentialAction::Restrict => "RESTRICT",
        ReferentialAction::Cascade => "CASCADE",
        ReferentialAction::SetNull => "SET NULL",
        ReferentialAction::SetDefault => "SET DEFAULT",
    }
}

/// A view definition as `pg_get_viewdef` prints it, without the trailing `;` (and trailing
/// whitespace) and without leading blank lines.
fn view_query(definition: &str) -> &str {
    let trimmed = definition.trim_end();
    let trimmed = trimmed.strip_suffix(';').unwrap_or(trimmed).trim_end();
    trimmed.trim_start_matches(['\n', '\r'])
}

/// `RANGE (key)`. `key` is the text inside the parentheses; a key that already starts with its
/// strategy (the whole `pg_get_partkeydef` output) is accepted as is.
fn partition_by(key: &PartitionKey) -> String {
    let strategy = match key.strategy {
        PartitionStrategy::Range => "RANGE",
        PartitionStrategy::List => "LIST",
        PartitionStrategy::Hash => "HASH",
    };
    let text = key.key.trim();
    let whole = text
        .strip_prefix(strategy)
        .is_some_and(|rest| rest.starts_with(" (") && rest.ends_with(')'));
    if whole {
        format!("PARTITION BY {text}")
    } else {
        format!("PARTITION BY {strategy} ({text})")
    }
}

/// `COMMENT ON <target> IS '<text>'`.
pub(crate) fn comment(target: &str, text: &str) -> String {
    format!("COMMENT ON {target} IS {}", quote_literal(text))
}

// ---------------------------------------------------------------------------------------------
// Schemas, extensions, types, sequences

pub(crate) fn create_schema(schema: &Schema) -> String {
    format!("CREATE SCHEMA IF NOT EXISTS {}", ident(&schema.name))
}

pub(crate) fn create_extension(extension: &Extension) -> String {
    format!(
        "CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA {} VERSION {}",
        ident(&extension.name),
        ident(&extension.schema),
        quote_literal(&extension.version)
    )
}

pub(crate) fn create_collation(collation: &Collation) -> String {
    let provider = match collation.provider {
        CollationProvider::Libc => "libc",
        CollationProvider::Icu => "icu",
        CollationProvider::Builtin => "builtin",
    };
    let mut options = vec![format!("provider = {provider}")];
    if let Some(locale) = &collation.locale {
        options.push(format!("locale = {}", quote_literal(locale)));
    }
    if let Some(lc_collate) = &collation.lc_collate {
        options.push(format!("lc_collate = {}", quote_literal(lc_collate)));
    }
    if let Some(lc_ctype) = &collation.lc_ctype {
        options.push(format!("lc_ctype = {}", quote_literal(lc_ctype)));
    }
    if !collation.deterministic {
        options.push("deterministic = false".to_owned());
    }
    if let Some(rules) = &collation.rules {
        options.push(format!("rules = {}", quote_literal(rules)));
    }
    format!(
        "CREATE COLLATION {} ({})",
        quote_qualified(&collation.name),
        options.join(", ")
    )
}

pub(crate) fn create_enum(e: &EnumType) -> String {
    let labels = e
        .labels
        .iter()
        .map(|l| format!("\n    {}", quote_literal(l)))
        .collect::<Vec<_>>()
        .join(",");
    let close = if e.labels.is_empty() { ")" } else { "\n)" };
    format!(
        "CREATE TYPE {} AS ENUM ({labels}{close}",
        quote_qualified(&e.name)
    )
}

/// `CREATE DOMAIN` with its valid checks, then one `ALTER DOMAIN .. NOT VALID` per check that
/// was never validated. A default or check that calls a user function is left to
/// [`domain_deferred`].
pub(crate) fn create_domain(domain: &Domain, deferred: &Deferred) -> Vec<String> {
    let name = quote_qualified(&domain.name);
    let mut create = format!("CREATE DOMAIN {name} AS {}", domain.base_type.sql);
    if let Some(collation) = &domain.collation {
        create.push_str(&format!(" COLLATE {}", quote_qualified(collation)));
    }
    if let Some(default) = &domain.default
        && !deferred.domain_defaults.contains(&domain.name)
    {
        create.push_str(&format!(" DEFAULT {}", default.as_str()));
    }
    if domain.not_null {
        create.push_str(" NOT NULL");
    }
    let now = |check: &&DomainCheck| !deferred.domain_check(&domain.name, &check.name);
    for check in domain.checks.values().filter(now).filter(|c| !c.not_valid) {
        create.push_str(&format!(
            "\n    CONSTRAINT {} CHECK ({})",
            ident(&check.name),
            check.expression.as_str()
        ));
    }
    let mut statements = vec![create];
    for check in domain.checks.values().filter(now).filter(|c| c.not_valid) {
        statements.push(add_domain_check(domain, check));
    }
    statements
}

fn add_domain_check(domain: &Domain, check: &DomainCheck) -> String {
    format!(
        "ALTER DOMAIN {} ADD CONSTRAINT {} CHECK ({}){}",
        quote_qualified(&domain.name),
        ident(&check.name),
        check.expression.as_str(),
        if check.not_valid { " NOT VALID" } else { "" }
    )
}

/// The default and checks of a domain that call user functions, once those exist.
pub(crate) fn domain_deferred(domain: &Domain, deferred: &Deferred) -> Vec<String> {
    let mut statements = Vec::new();
    if let Some(default) = &domain.default
        && deferred.domain_defaults.contains(&domain.name)
    {
        statements.push(format!(
            "ALTER DOMAIN {} SET DEFAULT {}",
            quote_qualified(&domain.name),
            default.as_str()
        ));
    }
    for check in domain.checks.values() {
        if deferred.domain_check(&domain.name, &check.name) {
            statements.push(add_domain_check(domain, check));
        }
    }
    statements
}

/// `ALTER TABLE ONLY .. SET DEFAULT` for a column default that calls a function created after
/// the tables (`ONLY`: each table's default is set on its own, children included).
pub(crate) fn set_column_default(table: &Table, column: &Column) -> Option<String> {
    let default = column.default.as_ref()?;
    Some(format!(
        "ALTER TABLE ONLY {} ALTER COLUMN {} SET DEFAULT {}",
        quote_qualified(&table.name),
        ident(&column.name),
        default.as_str()
    ))
}

pub(crate) fn create_composite(composite: &CompositeType) -> String {
    let attributes = composite
        .attributes
        .iter()
        .map(|a| {
            let mut line = format!("\n    {} {}", ident(&a.name), a.data_type.sql);
            if let Some(collation) = &a.collation {
                line.push_str(&format!(" COLLATE {}", quote_qualified(collation)));
            }
            line
        })
        .collect::<Vec<_>>()
        .join(",");
    let close = if composite.attributes.is_empty() {
        ")"
    } else {
        "\n)"
    };
    format!(
        "CREATE TYPE {} AS ({attributes}{close}",
        quote_qualified(&composite.name)
    )
}

pub(crate) fn create_sequence(sequence: &Sequence) -> String {
    format!(
        "CREATE {}SEQUENCE {} AS {} {}",
        if sequence.unlogged { "UNLOGGED " } else { "" },
        quote_qualified(&sequence.name),
        sequence.options.data_type,
        sequence_options(&sequence.options)
    )
}

pub(crate) fn sequence_owned_by(sequence: &Sequence) -> Option<String> {
    let owner = sequence.owned_by.as_ref()?;
    Some(format!(
        "ALTER SEQUENCE {} OWNED BY {}",
        quote_qualified(&sequence.name),
        column_path(&owner.table, &owner.column)
    ))
}

// ---------------------------------------------------------------------------------------------
// Functions and procedures

/// The GUCs whose values are lists of (possibly quoted) names; PostgreSQL's
/// `variable_is_guc_list_quote`.
fn is_list_guc(name: &str) -> bool {
    [
        "local_preload_libraries",
        "search_path",
        "session_preload_libraries",
        "shared_preload_libraries",
        "temp_tablespaces",
        "unix_socket_directories",
    ]
    .iter()
    .any(|guc| guc.eq_ignore_ascii_case(name))
}

/// Splits a list GUC value as stored in `proconfig` (`"$user", public`) into its elements,
/// like pg_dump's `SplitGUCList`: elements separated by commas, double-quoted ones with `""`
/// for a quote, whitespace around elements ignored. `None` when the value is malformed.
fn split_guc_list(value: &str) -> Option<Vec<String>> {
    let chars: Vec<char> = value.chars().collect();
    let mut i = 0;
    let skip_space = |i: &mut usize| {
        while chars.get(*i).is_some_and(|c| c.is_whitespace()) {
            *i += 1;
        }
    };
    let mut items = Vec::new();
    skip_space(&mut i);
    if i == chars.len() {
        return Some(items);
    }
    loop {
        let mut item = String::new();
        if chars.get(i) == Some(&'"') {
            i += 1;
            loop {
                match chars.get(i) {
                    None => return None,
                    Some('"') if chars.get(i + 1) == Some(&'"') => {
                        item.push('"');
                        i += 2;
                    }
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some(&c) => {
                        item.push(c);
                        i += 1;
                    }
                }
            }
        } else {
            while let Some(&c) = chars.get(i) {
                if c == ',' || c.is_whitespace() {
                    break;
                }
                item.push(c);
                i += 1;
            }
            if item.is_empty() {
                return None;
            }
        }
        items.push(item);
        skip_space(&mut i);
        match chars.get(i) {
            None => return Some(items),
            Some(',') => {
                i += 1;
                skip_space(&mut i);
            }
            Some(_) => return None,
        }
    }
}

/// `SET name TO value` for one `proconfig` entry (`name=value`), as pg_dump writes it: list
/// GUCs (`search_path`) as a list of string literals, every other value as one literal.
fn set_clause(entry: &str) -> String {
    let (name, value) = entry.split_once('=').unwrap_or((entry, ""));
    let value = if is_list_guc(name) {
        match split_guc_list(value) {
            Some(items) => items
                .iter()
                .map(|item| quote_literal(item))
                .collect::<Vec<_>>()
                .join(", "),
            None => quote_literal(value),
        }
    } else {
        quote_literal(value)
    };
    format!("SET {} TO {value}", quote_ident(name))
}

pub(crate) fn function_name(id: &retort_catalog::FunctionId) -> String {
    format!("{}.{}", ident(&id.schema), ident(&id.name))
}

/// `FUNCTION schema.name(identity args)` or `PROCEDURE ...`, for `COMMENT ON`.
pub(crate) fn function_signature(function: &Function) -> String {
    let keyword = match function.kind {
        FunctionKind::Procedure => "PROCEDURE",
        FunctionKind::Function | FunctionKind::Window => "FUNCTION",
    };
    format!(
        "{keyword} {}({})",
        function_name(&function.id),
        function.id.arguments
    )
}

pub(crate) fn create_function(function: &Function) -> Result<String, RenderError> {
    let name = function_name(&function.id);
    let mut out = match function.kind {
        FunctionKind::Procedure => format!("CREATE PROCEDURE {name}({})", function.arguments),
        FunctionKind::Function | FunctionKind::Window => {
            let returns =
                function
                    .returns
                    .as_deref()
                    .ok_or_else(|| RenderError::MissingResultType {
                        function: function.id.to_string(),
                    })?;
            format!(
                "CREATE FUNCTION {name}({}) RETURNS {returns}",
                function.arguments
            )
        }
    };
    let mut options = vec![format!("LANGUAGE {}", ident(&function.language))];
    if function.kind == FunctionKind::Window {
        options.push("WINDOW".to_owned());
    }
    if function.kind != FunctionKind::Procedure {
        options.push(
            match function.volatility {
                Volatility::Immutable => "IMMUTABLE",
                Volatility::Stable => "STABLE",
                Volatility::Volatile => "VOLATILE",
            }
            .to_owned(),
        );
        if function.strict {
            options.push("STRICT".to_owned());
        }
    }
    if function.security_definer {
        options.push("SECURITY DEFINER".to_owned());
    }
    if function.kind != FunctionKind::Procedure {
        if function.leakproof {
            options.push("LEAKPROOF".to_owned());
        }
        options.push(format!(
            "PARALLEL {}",
            match function.parallel {
                ParallelSafety::Safe => "SAFE",
                ParallelSafety::Restricted => "RESTRICTED",
                ParallelSafety::Unsafe => "UNSAFE",
            }
        ));
        options.push(format!("COST {}", function.cost));
        if function.rows != "0" {
            options.push(format!("ROWS {}", function.rows));
        }
    }
    out.push_str("\n    ");
    out.push_str(&options.join(" "));
    for entry in &function.config {
        out.push_str("\n    ");
        out.push_str(&set_clause(entry));
    }
    if function.sql_body {
        out.push('\n');
        out.push_str(function.body.trim_end());
    } else {
        out.push_str("\n    AS ");
        out.push_str(&dollar_quote(&function.body));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Tables

/// A column as declared in `CREATE TABLE`; `default` is the default it gets there (none when
/// the catalog's is deferred).
fn column_definition(column: &Column, default: Option<&SqlExpr>) -> String {
    let mut out = format!("{} {}", ident(&column.name), column.data_type.sql);
    if let Some(collation) = &column.collation {
        out.push_str(&format!(" COLLATE {}", quote_qualified(collation)));
    }
    if let Some(generated) = &column.generated {
        out.push_str(&format!(
            " GENERATED ALWAYS AS ({}) {}",
            generated.expression.as_str(),
            match generated.kind {
                GeneratedKind::Stored => "STORED",
                GeneratedKind::Virtual => "VIRTUAL",
            }
        ));
    }
    if let Some(identity) = &column.identity {
        out.push(' ');
        out.push_str(&identity_clause(identity));
    }
    // A generated column's expression is its only "default"; never both.
    if column.generated.is_none()
        && let Some(default) = default
    {
        out.push_str(&format!(" DEFAULT {}", default.as_str()));
    }
    if column.not_null {
        out.push_str(" NOT NULL");
    }
    out
}

/// A column as `ADD COLUMN` writes it: with its default.
pub(crate) fn column_definition_for(column: &Column) -> String {
    column_definition(column, column.default.as_ref())
}

pub(crate) fn identity_clause_for(identity: &retort_catalog::Identity) -> String {
    identity_clause(identity)
}

pub(crate) fn reloptions_for(options: &[String]) -> String {
    reloptions(options)
}

fn identity_clause(identity: &retort_catalog::Identity) -> String {
    format!(
        "GENERATED {} AS IDENTITY (SEQUENCE NAME {} {})",
        match identity.kind {
            IdentityKind::Always => "ALWAYS",
            IdentityKind::ByDefault => "BY DEFAULT",
        },
        quote_qualified(&identity.sequence_name),
        sequence_options(&identity.options)
    )
}

fn check_definition(constraint: &Constraint) -> Option<String> {
    match &constraint.kind {
        ConstraintKind::Check {
            expression,
            no_inherit,
        } => Some(format!(
            "CONSTRAINT {} CHECK ({}){}",
            ident(&constraint.name),
            expression.as_str(),
            if *no_inherit { " NO INHERIT" } else { "" }
        )),
        _ => None,
    }
}

/// `CREATE TABLE`, followed by the `ALTER TABLE .. ALTER COLUMN` statements that give a child
/// table (partition or inheritance child) the column defaults, `NOT NULL` and identity it has
/// beyond what it takes from its parents when created.
///
/// What a child takes from its parents at creation (PostgreSQL 15, verified): a partition takes
/// every column with its type, collation, default, `NOT NULL` and generation expression, but not
/// identity; an inheritance child takes the same for inherited columns, and a column it declares
/// itself that merges with a parent column keeps the parent's default unless it declares one and
/// is `NOT NULL` if any parent's is.
///
/// `parents` are the partition parent, or the `INHERITS` parents in order (empty for others).
pub(crate) fn create_table(table: &Table, parents: &[&Table], deferred: &Deferred) -> Vec<String> {
    let name = quote_qualified(&table.name);
    let is_partition = table.partition_of.is_some();
    let has_parents = !parents.is_empty();
    // The default a column of `owner` has once the tables exist (deferred ones come later).
    let created_default = |owner: &Table, column: &Column| -> Option<SqlExpr> {
        if deferred.column_default(&owner.name, &column.name) {
            None
        } else {
            column.default.clone()
        }
    };
    // A partition declares no columns; an inheritance child only its local ones.
    let declared = |column: &Column| {
        let from_parent = is_partition || (has_parents && column.inherited);
        !from_parent
    };

    let mut elements: Vec<String> = table
        .columns
        .iter()
        .filter(|c| declared(c))
        .map(|c| column_definition(c, created_default(table, c).as_ref()))
        .collect();
    elements.extend(
        table
            .constraints
            .values()
            .filter(|c| !c.not_valid && !deferred.table_check(&table.name, &c.name))
            .filter_map(check_definition),
    );
    let body = if elements.is_empty() {
        String::new()
    } else {
        format!("\n    {}\n", elements.join(",\n    "))
    };

    let mut create = format!(
        "CREATE {}TABLE {name}",
        if table.unlogged { "UNLOGGED " } else { "" }
    );
    match &table.partition_of {
        Some(partition_of) => {
            create.push_str(&format!(
                " PARTITION OF {}",
                quote_qualified(&partition_of.parent)
            ));
            if !body.is_empty() {
                create.push_str(&format!(" ({body})"));
            }
            create.push(' ');
            create.push_str(partition_of.bound.trim());
        }
        None => {
            create.push_str(&format!(" ({body})"));
            if !table.inherits.is_empty() {
                let parents = table
                    .inherits
                    .iter()
                    .map(quote_qualified)
                    .collect::<Vec<_>>()
                    .join(", ");
                create.push_str(&format!(" INHERITS ({parents})"));
            }
        }
    }
    if let Some(key) = &table.partition_by {
        create.push(' ');
        create.push_str(&partition_by(key));
    }
    create.push_str(&with_clause(&table.options));

    let mut statements = vec![create];
    if !has_parents {
        return statements;
    }
    for column in &table.columns {
        let from_parents: Vec<(&Table, &Column)> = parents
            .iter()
            .filter_map(|p| p.column(column.name.as_str()).map(|c| (*p, c)))
            .collect();
        if from_parents.is_empty() {
            continue;
        }
        let col = ident(&column.name);
        let declared = declared(column);
        if column.generated.is_none() {
            let own = created_default(table, column);
            let inherited = from_parents
                .iter()
                .find_map(|(parent, c)| created_default(parent, c));
            let expected = if declared {
                own.clone().or(inherited)
            } else {
                inherited
            };
            if own != expected {
                statements.push(match &own {
                    Some(default) => format!(
                        "ALTER TABLE {name} ALTER COLUMN {col} SET DEFAULT {}",
                        default.as_str()
                    ),
                    None => format!("ALTER TABLE {name} ALTER COLUMN {col} DROP DEFAULT"),
                });
            }
        }
        let inherited_not_null = from_parents.iter().any(|(_, c)| c.not_null);
        if column.not_null && !inherited_not_null && !declared {
            statements.push(format!(
                "ALTER TABLE {name} ALTER COLUMN {col} SET NOT NULL"
            ));
        }
        if let Some(identity) = &column.identity {
            // Partitions of PostgreSQL 17 and later take the parent's identity themselves.
            let parent_identity = from_parents.iter().any(|(_, c)| c.identity.is_some());
            let takes_parents = is_partition && parent_identity;
            if !declared && !takes_parents {
                statements.push(format!(
                    "ALTER TABLE {name} ALTER COLUMN {col} ADD {}",
                    identity_clause(identity)
                ));
            }
        }
    }
    statements
}

/// `ALTER TABLE .. ADD CONSTRAINT` for a primary key, unique, exclusion or foreign key
/// constraint, or a check that is `NOT VALID`. Valid checks are part of `CREATE TABLE`.
///
/// `ONLY` is used for keys on tables that are not partitioned (it changes nothing there, as
/// pg_dump writes it); on a partitioned table the constraint must recurse to the partitions.
pub(crate) fn add_constraint(table: &Table, constraint: &Constraint) -> String {
    let only = if table.partition_by.is_some() {
        ""
    } else {
        "ONLY "
    };
    let name = quote_qualified(&table.name);
    let cname = ident(&constraint.name);
    let deferral = deferral(constraint.deferrable, constraint.initially_deferred);
    let not_valid = if constraint.not_valid {
        " NOT VALID"
    } else {
        ""
    };
    match &constraint.kind {
        ConstraintKind::PrimaryKey {
            columns,
            include,
            index_options,
        } => format!(
            "ALTER TABLE {only}{name} ADD CONSTRAINT {cname} PRIMARY KEY ({}){}{}{deferral}",
            ident_list(columns),
            include_clause(include),
            with_clause(index_options)
        ),
        ConstraintKind::Unique {
            columns,
            include,
            nulls_not_distinct,
            index_options,
        } => format!(
            "ALTER TABLE {only}{name} ADD CONSTRAINT {cname} UNIQUE{} ({}){}{}{deferral}",
            if *nulls_not_distinct {
                " NULLS NOT DISTINCT"
            } else {
                ""
            },
            ident_list(columns),
            include_clause(include),
            with_clause(index_options)
        ),
        ConstraintKind::Exclusion {
            method,
            elements,
            include,
            predicate,
            index_options,
        } => {
            let elements = elements
                .iter()
                .map(|e| {
                    let operator = match &e.operator_schema {
                        Some(schema) => format!("OPERATOR({}.{})", ident(schema), e.operator),
                        None => e.operator.clone(),
                    };
                    format!("{} WITH {operator}", index_element(&e.key))
                })
                .collect::<Vec<_>>()
                .join(", ");
            let predicate = predicate
                .as_ref()
                .map(|p| format!(" WHERE ({})", p.as_str()))
                .unwrap_or_default();
            format!(
                "ALTER TABLE {only}{name} ADD CONSTRAINT {cname} EXCLUDE USING {} ({elements}){}{}{predicate}{deferral}",
                quote_ident(method),
                include_clause(include),
                with_clause(index_options)
            )
        }
        ConstraintKind::ForeignKey {
            columns,
            references,
            referenced_columns,
            match_type,
            on_update,
            on_delete,
            on_delete_columns,
        } => {
            let mut out = format!(
                "ALTER TABLE {name} ADD CONSTRAINT {cname} FOREIGN KEY ({}) REFERENCES {} ({})",
                ident_list(columns),
                quote_qualified(references),
                ident_list(referenced_columns)
            );
            match match_type {
                MatchType::Simple => {}
                MatchType::Full => out.push_str(" MATCH FULL"),
                MatchType::Partial => out.push_str(" MATCH PARTIAL"),
            }
            if *on_update != ReferentialAction::NoAction {
                out.push_str(&format!(" ON UPDATE {}", referential_action(*on_update)));
            }
            if *on_delete != ReferentialAction::NoAction {
                out.push_str(&format!(" ON DELETE {}", referential_action(*on_delete)));
                if !on_delete_columns.is_empty() {
                    out.push_str(&format!(" ({})", ident_list(on_delete_columns)));
                }
            }
            out.push_str(deferral);
            out.push_str(not_valid);
            out
        }
        ConstraintKind::Check {
            expression,
            no_inherit,
        } => format!(
            "ALTER TABLE {name} ADD CONSTRAINT {cname} CHECK ({}){}{not_valid}",
            expression.as_str(),
            if *no_inherit { " NO INHERIT" } else { "" }
        ),
    }
}

pub(crate) fn enable_row_security(table: &Table) -> Vec<String> {
    let name = quote_qualified(&table.name);
    let mut out = Vec::new();
    if table.row_security {
        out.push(format!("ALTER TABLE {name} ENABLE ROW LEVEL SECURITY"));
    }
    if table.force_row_security {
        out.push(format!("ALTER TABLE {name} FORCE ROW LEVEL SECURITY"));
    }
    out
}

/// `REPLICA IDENTITY` and `CLUSTER ON`, which name indexes: emitted once those exist.
pub(crate) fn table_index_settings(table: &Table) -> Vec<String> {
    let name = quote_qualified(&table.name);
    let mut out = Vec::new();
    match &table.replica_identity {
        ReplicaIdentity::Default => {}
        ReplicaIdentity::Nothing => {
            out.push(format!("ALTER TABLE ONLY {name} REPLICA IDENTITY NOTHING"))
        }
        ReplicaIdentity::Full => out.push(format!("ALTER TABLE ONLY {name} REPLICA IDENTITY FULL")),
        ReplicaIdentity::Index(index) => out.push(format!(
            "ALTER TABLE ONLY {name} REPLICA IDENTITY USING INDEX {}",
            ident(index)
        )),
    }
    if let Some(index) = &table.clustered_on {
        out.push(format!(
            "ALTER TABLE ONLY {name} CLUSTER ON {}",
            ident(index)
        ));
    }
    out
}

/// `SET STORAGE`, `SET COMPRESSION` and `SET STATISTICS` of the table's columns.
pub(crate) fn column_settings(table: &Table) -> Vec<String> {
    let name = quote_qualified(&table.name);
    let mut out = Vec::new();
    for column in &table.columns {
        let prefix = format!(
            "ALTER TABLE ONLY {name} ALTER COLUMN {}",
            ident(&column.name)
        );
        if let Some(storage) = column.storage {
            let storage = match storage {
                ColumnStorage::Plain => "PLAIN",
                ColumnStorage::External => "EXTERNAL",
                ColumnStorage::Extended => "EXTENDED",
                ColumnStorage::Main => "MAIN",
            };
            out.push(format!("{prefix} SET STORAGE {storage}"));
        }
        if let Some(method) = &column.compression {
            out.push(format!("{prefix} SET COMPRESSION {}", quote_ident(method)));
        }
        if let Some(target) = column.statistics {
            out.push(format!("{prefix} SET STATISTICS {target}"));
        }
    }
    out
}

/// The roles of a policy, `public` written `PUBLIC`; no roles is `PUBLIC` too.
pub(crate) fn policy_roles(roles: &[Ident]) -> String {
    if roles.is_empty() {
        return "PUBLIC".to_owned();
    }
    roles
        .iter()
        .map(|r| {
            if r.as_str() == "public" {
                "PUBLIC".to_owned()
            } else {
                ident(r)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn create_policy(table: &QualifiedName, policy: &Policy) -> String {
    let mut out = format!(
        "CREATE POLICY {} ON {} AS {} FOR {}",
        ident(&policy.name),
        quote_qualified(table),
        if policy.permissive {
            "PERMISSIVE"
        } else {
            "RESTRICTIVE"
        },
        match policy.command {
            PolicyCommand::All => "ALL",
            PolicyCommand::Select => "SELECT",
            PolicyCommand::Insert => "INSERT",
            PolicyCommand::Update => "UPDATE",
            PolicyCommand::Delete => "DELETE",
        }
    );
    if !policy.roles.is_empty() {
        out.push_str(&format!(" TO {}", policy_roles(&policy.roles)));
    }
    if let Some(using) = &policy.using {
        out.push_str(&format!(" USING ({})", using.as_str()));
    }
    if let Some(check) = &policy.with_check {
        out.push_str(&format!(" WITH CHECK ({})", check.as_str()));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Indexes

/// One key of an index or exclusion constraint: column or `(expression)`, collation, operator
/// class, direction, and the null ordering when it is not the direction's default.
fn index_element(element: &IndexElement) -> String {
    let mut out = match &element.key {
        IndexKey::Column(name) => ident(name),
        IndexKey::Expression(expr) => format!("({})", expr.as_str()),
    };
    if let Some(collation) = &element.collation {
        out.push_str(&format!(" COLLATE {}", quote_qualified(collation)));
    }
    if let Some(opclass) = &element.opclass {
        out.push(' ');
        out.push_str(&quote_qualified(opclass));
    }
    if element.descending {
        out.push_str(" DESC");
    }
    if element.nulls_first != element.descending {
        out.push_str(if element.nulls_first {
            " NULLS FIRST"
        } else {
            " NULLS LAST"
        });
    }
    out
}

pub(crate) fn create_index(index: &Index) -> String {
    create_index_with(index, false)
}

/// `CREATE [UNIQUE] INDEX [CONCURRENTLY] ...`.
pub(crate) fn create_index_with(index: &Index, concurrently: bool) -> String {
    let keys = index
        .keys
        .iter()
        .map(index_element)
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = format!(
        "CREATE {}INDEX {}{} ON {}{} USING {} ({keys})",
        if index.unique { "UNIQUE " } else { "" },
        if concurrently { "CONCURRENTLY " } else { "" },
        ident(&index.name.name),
        if index.only { "ONLY " } else { "" },
        quote_qualified(&index.table),
        quote_ident(&index.method)
    );
    out.push_str(&include_clause(&index.include));
    if index.nulls_not_distinct {
        out.push_str(" NULLS NOT DISTINCT");
    }
    out.push_str(&with_clause(&index.options));
    if let Some(predicate) = &index.predicate {
        out.push_str(&format!(" WHERE ({})", predicate.as_str()));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Views

pub(crate) fn create_view(view: &View) -> String {
    let name = quote_qualified(&view.name);
    let query = view_query(&view.definition);
    if view.materialized {
        format!(
            "CREATE MATERIALIZED VIEW {name}{} AS\n{query}\nWITH {}DATA",
            with_clause(&view.options),
            if view.populated { "" } else { "NO " }
        )
    } else {
        format!(
            "CREATE VIEW {name}{} AS\n{query}",
            with_clause(&view.options)
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Triggers

pub(crate) fn create_trigger(trigger: &Trigger) -> String {
    let events = trigger
        .events
        .iter()
        .map(|event| match event {
            TriggerEvent::Insert => "INSERT".to_owned(),
            TriggerEvent::Update(columns) if columns.is_empty() => "UPDATE".to_owned(),
            TriggerEvent::Update(columns) => format!("UPDATE OF {}", ident_list(columns)),
            TriggerEvent::Delete => "DELETE".to_owned(),
            TriggerEvent::Truncate => "TRUNCATE".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" OR ");
    let mut out = format!(
        "CREATE {}TRIGGER {} {} {events} ON {}",
        if trigger.constraint.is_some() {
            "CONSTRAINT "
        } else {
            ""
        },
        ident(&trigger.id.name),
        match trigger.timing {
            TriggerTiming::Before => "BEFORE",
            TriggerTiming::After => "AFTER",
            TriggerTiming::InsteadOf => "INSTEAD OF",
        },
        quote_qualified(&trigger.id.table)
    );
    if let Some(constraint) = &trigger.constraint {
        if let Some(referenced) = &constraint.referenced_table {
            out.push_str(&format!(" FROM {}", quote_qualified(referenced)));
        }
        out.push_str(deferral(
            constraint.deferrable,
            constraint.initially_deferred,
        ));
    }
    let mut transition = Vec::new();
    if let Some(old) = &trigger.old_table {
        transition.push(format!("OLD TABLE AS {}", ident(old)));
    }
    if let Some(new) = &trigger.new_table {
        transition.push(format!("NEW TABLE AS {}", ident(new)));
    }
    if !transition.is_empty() {
        out.push_str(&format!(" REFERENCING {}", transition.join(" ")));
    }
    out.push_str(if trigger.for_each_row {
        " FOR EACH ROW"
    } else {
        " FOR EACH STATEMENT"
    });
    if let Some(when) = &trigger.when {
        out.push_str(&format!(" WHEN ({})", when.as_str()));
    }
    let arguments = trigger
        .arguments
        .iter()
        .map(|a| quote_literal(a))
        .collect::<Vec<_>>()
        .join(", ");
    out.push_str(&format!(
        " EXECUTE FUNCTION {}({arguments})",
        quote_qualified(&trigger.function)
    ));
    out
}

/// The `ALTER TABLE` that gives a trigger a firing state other than the default.
pub(crate) fn trigger_enabled(trigger: &Trigger) -> Option<String> {
    let action = match trigger.enabled {
        TriggerEnabled::Origin => return None,
        TriggerEnabled::Disabled => "DISABLE TRIGGER",
        TriggerEnabled::Replica => "ENABLE REPLICA TRIGGER",
        TriggerEnabled::Always => "ENABLE ALWAYS TRIGGER",
    };
    Some(format!(
        "ALTER TABLE {} {action} {}",
        quote_qualified(&trigger.id.table),
        ident(&trigger.id.name)
    ))
}

// ---------------------------------------------------------------------------------------------
// Comment targets

pub(crate) fn column_target(relation: &QualifiedName, column: &Ident) -> String {
    format!("COLUMN {}", column_path(relation, column))
}

pub(crate) fn constraint_target(table: &QualifiedName, name: &Ident) -> String {
    format!("CONSTRAINT {} ON {}", ident(name), quote_qualified(table))
}

pub(crate) fn domain_constraint_target(domain: &QualifiedName, name: &Ident) -> String {
    format!(
        "CONSTRAINT {} ON DOMAIN {}",
        ident(name),
        quote_qualified(domain)
    )
}

pub(crate) fn trigger_target(trigger: &Trigger) -> String {
    format!(
        "TRIGGER {} ON {}",
        ident(&trigger.id.name),
        quote_qualified(&trigger.id.table)
    )
}

pub(crate) fn policy_target(table: &QualifiedName, policy: &Policy) -> String {
    format!(
        "POLICY {} ON {}",
        ident(&policy.name),
        quote_qualified(table)
    )
}

pub(crate) fn index_target(index: &Index) -> String {
    format!("INDEX {}", quote_qualified(&index.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reloptions_quote_like_pg_dump() {
        let options = vec![
            "fillfactor=70".to_owned(),
            "check_option=local".to_owned(),
            "security_barrier=true".to_owned(),
            "odd=it's".to_owned(),
        ];
        assert_eq!(
            reloptions(&options),
            "fillfactor='70', check_option=local, security_barrier='true', odd='it''s'"
        );
    }

    #[test]
    fn guc_lists_split_like_pg_dump() {
        assert_eq!(
            split_guc_list(r#""$user", public"#),
            Some(vec!["$user".to_owned(), "public".to_owned()])
        );
        assert_eq!(
            split_guc_list(r#""My ""odd"" schema",pg_temp"#),
            Some(vec![r#"My "odd" schema"#.to_owned(), "pg_temp".to_owned()])
        );
        assert_eq!(split_guc_list(r#""""#), Some(vec![String::new()]));
        assert_eq!(split_guc_list(""), Some(vec![]));
        assert_eq!(split_guc_list(r#""open"#), None);
        assert_eq!(split_guc_list("a,,b"), None);
    }

    #[test]
    fn set_clauses() {
        assert_eq!(
            set_clause("search_path=public, pg_temp"),
            "SET search_path TO 'public', 'pg_temp'"
        );
        assert_eq!(
            set_clause(r#"search_path="$user", "Odd Schema""#),
            "SET search_path TO '$user', 'Odd Schema'"
        );
        assert_eq!(set_clause("work_mem=64MB"), "SET work_mem TO '64MB'");
        assert_eq!(
            set_clause("plpgsql.variable_conflict=use_column"),
            "SET \"plpgsql.variable_conflict\" TO 'use_column'"
        );
        assert_eq!(
            set_clause("application_name=it's"),
            "SET application_name TO 'it''s'"
        );
    }

    #[test]
    fn view_query_drops_the_semicolon() {
        assert_eq!(view_query(" SELECT 1 AS x;"), " SELECT 1 AS x");
        assert_eq!(view_query("\n SELECT 1 AS x;\n"), " SELECT 1 AS x");
        assert_eq!(view_query("SELECT 1 AS x"), "SELECT 1 AS x");
    }

    #[test]
    fn partition_key_with_or_without_strategy() {
        let key = |strategy, key: &str| PartitionKey {
            strategy,
            key: key.to_owned(),
        };
        assert_eq!(
            partition_by(&key(PartitionStrategy::Range, "created_at")),
            "PARTITION BY RANGE (created_at)"
        );
        assert_eq!(
            partition_by(&key(PartitionStrategy::List, "LIST (region)")),
            "PARTITION BY LIST (region)"
        );
        assert_eq!(
            partition_by(&key(PartitionStrategy::Hash, "\"HASH\", id")),
            "PARTITION BY HASH (\"HASH\", id)"
        );
    }

    #[test]
    fn index_element_null_ordering_only_when_not_default() {
        let element = |descending, nulls_first| IndexElement {
            key: IndexKey::Column(Ident::new("a")),
            collation: None,
            opclass: None,
            descending,
            nulls_first,
        };
        assert_eq!(index_element(&element(false, false)), "a");
        assert_eq!(index_element(&element(false, true)), "a NULLS FIRST");
        assert_eq!(index_element(&element(true, true)), "a DESC");
        assert_eq!(index_element(&element(true, false)), "a DESC NULLS LAST");
    }
}
