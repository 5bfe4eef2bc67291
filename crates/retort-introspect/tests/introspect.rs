//! The introspector against a real PostgreSQL server: fixtures round-trip through
//! `inspect --format sql`, extension members stay out, and the number of queries is fixed.

mod common;

use common::{read, round_trip};
use retort_catalog::{Catalog, Ident, QualifiedName};
use retort_introspect::IntrospectOptions;
use retort_testkit::TestDb;

/// The PostgreSQL major the catalog snapshots were recorded on.
const SNAPSHOT_MAJOR: u32 = 15;

async fn prepare(db: &TestDb) {
    // Policies in the fixtures name this role; roles are cluster-wide.
    db.create_role_if_missing("retort_app").await;
}

#[tokio::test]
async fn fixtures_round_trip_through_the_rendered_script() {
    let version = retort_testkit::Server::shared().await.server_version_num();
    for fixture in retort_testkit::fixtures::supported_catalog_fixtures(version) {
        let name = fixture.name.clone();
        let sql = fixture.sql;

        let original = TestDb::new().await;
        prepare(&original).await;
        original.execute(&sql).await;
        let first = read(&original, &IntrospectOptions::default()).await;
        assert!(
            first.unsupported.is_empty(),
            "{name}: fixture uses unsupported objects: {:?}",
            first.unsupported
        );

        // PostgreSQL prints some definitions differently from one major to the next (16 drops
        // the table prefix from single-table views), so the snapshots are those of one major;
        // the round trip below runs on every major.
        if version / 10_000 == SNAPSHOT_MAJOR {
            insta::with_settings!({ snapshot_suffix => name.clone(), prepend_module_to_snapshot => false }, {
                insta::assert_yaml_snapshot!("catalog", first.catalog, {
                    ".extensions[].version" => "[version]",
                    ".extensions[].comment" => "[comment]",
                });
            });
        } else {
            eprintln!(
                "{name}: catalog snapshots are recorded on PostgreSQL {SNAPSHOT_MAJOR}; not compared"
            );
        }

        if let Err(e) = round_trip(&first.catalog, &["retort_app"]).await {
            panic!("{name}: {e}");
        }
    }
}

#[tokio::test]
async fn objects_owned_by_extensions_are_left_out() {
    let db = TestDb::new().await;
    db.execute(
        r#"
        CREATE SCHEMA ext;
        CREATE EXTENSION pg_trgm WITH SCHEMA ext;
        CREATE EXTENSION citext WITH SCHEMA ext;
        CREATE EXTENSION "uuid-ossp" WITH SCHEMA ext;
        CREATE TABLE public.people (
            id uuid PRIMARY KEY DEFAULT ext.uuid_generate_v4(),
            email ext.citext NOT NULL
        );
        CREATE INDEX people_email_trgm ON public.people USING gin ((email::text) ext.gin_trgm_ops);
        CREATE FUNCTION public.mine() RETURNS integer LANGUAGE sql AS 'SELECT 1';
        "#,
    )
    .await;
    let found = read(&db, &IntrospectOptions::default()).await;
    let catalog = &found.catalog;

    let extensions: Vec<&str> = catalog.extensions.keys().map(Ident::as_str).collect();
    assert_eq!(extensions, ["citext", "pg_trgm", "uuid-ossp"]);
    // The extensions' functions, types and operators are not the user's objects.
    let functions: Vec<String> = catalog.functions.keys().map(|f| f.to_string()).collect();
    assert_eq!(functions, ["public.mine()"]);
    assert!(catalog.domains.is_empty() && catalog.enums.is_empty());
    assert!(catalog.composite_types.is_empty());
    assert!(
        found.unsupported.is_empty(),
        "extension members reported as unsupported: {:?}",
        found.unsupported
    );
    // ... but what the user built on them is kept, referring to them by name.
    let people = catalog
        .tables
        .get(&QualifiedName::new("public", "people"))
        .expect("table kept");
    let email = people.column("email").expect("column kept");
    assert_eq!(email.data_type.sql, "ext.citext");
    assert_eq!(
        email.data_type.user_type,
        Some(QualifiedName::new("ext", "citext"))
    );
    let id = people.column("id").expect("column kept");
    assert_eq!(
        id.default.as_ref().map(|d| d.as_str()),
        Some("ext.uuid_generate_v4()")
    );
    let index = catalog
        .indexes
        .get(&QualifiedName::new("public", "people_email_trgm"))
        .expect("index kept");
    assert_eq!(
        index.keys[0].opclass,
        Some(QualifiedName::new("ext", "gin_trgm_ops"))
    );
}

fn tables_sql(count: usize) -> String {
    let mut sql = String::from("CREATE SCHEMA app;\n");
    for i in 0..count {
        sql.push_str(&format!(
            "CREATE TABLE app.t{i} (id bigint PRIMARY KEY, parent bigint REFERENCES app.t{i}, \
             name text NOT NULL DEFAULT 'x', n integer CHECK (n > 0));\n\
             CREATE INDEX t{i}_name ON app.t{i} (lower(name));\n\
             CREATE VIEW app.v{i} AS SELECT id, name FROM app.t{i};\n"
        ));
    }
    sql
}

#[tokio::test]
async fn the_number_of_queries_does_not_grow_with_the_schema() {
    let small = TestDb::new().await;
    small.execute(&tables_sql(10)).await;
    let large = TestDb::new().await;
    large.execute(&tables_sql(1_000)).await;

    let a = read(&small, &IntrospectOptions::default()).await;
    let b = read(&large, &IntrospectOptions::default()).await;
    assert_eq!(a.catalog.tables.len(), 10);
    assert_eq!(b.catalog.tables.len(), 1_000);
    assert_eq!(b.catalog.views.len(), 1_000);
    assert_eq!(b.catalog.indexes.len(), 1_000);
    assert_eq!(
        a.queries, b.queries,
        "queries grew with the schema: {} for 10 tables, {} for 1,000",
        a.queries, b.queries
    );
}

#[tokio::test]
async fn schemas_can_be_included_and_excluded() {
    let db = TestDb::new().await;
    db.execute(
        "CREATE SCHEMA a; CREATE SCHEMA b; CREATE SCHEMA \"C c\";
         CREATE TABLE a.t (id int); CREATE TABLE b.t (id int); CREATE TABLE \"C c\".t (id int);
         CREATE TYPE b.e AS ENUM ('x');",
    )
    .await;
    let names = |c: &Catalog| -> Vec<String> { c.tables.keys().map(|n| n.to_string()).collect() };

    let only_a = read(
        &db,
        &IntrospectOptions {
            include_schemas: vec!["a".into(), "C c".into()],
            exclude_schemas: vec![],
        },
    )
    .await;
    assert_eq!(names(&only_a.catalog), ["C c.t", "a.t"]);
    assert!(only_a.catalog.enums.is_empty());
    let schemas: Vec<&str> = only_a.catalog.schemas.keys().map(Ident::as_str).collect();
    assert_eq!(schemas, ["C c", "a"]);

    let not_b = read(
        &db,
        &IntrospectOptions {
            include_schemas: vec![],
            exclude_schemas: vec!["b".into(), "public".into()],
        },
    )
    .await;
    assert_eq!(names(&not_b.catalog), ["C c.t", "a.t"]);
    assert!(not_b.catalog.enums.is_empty());
}

#[tokio::test]
async fn unsupported_objects_are_reported_not_dropped() {
    let db = TestDb::new().await;
    db.execute(
        "CREATE AGGREGATE public.total(integer) (SFUNC = int4pl, STYPE = integer);
         CREATE TABLE public.t (a int, b int);
         CREATE STATISTICS public.t_stats ON a, b FROM public.t;
         CREATE RULE nothing AS ON DELETE TO public.t DO INSTEAD NOTHING;",
    )
    .await;
    let found = read(&db, &IntrospectOptions::default()).await;
    let listed: Vec<(String, String)> = found
        .unsupported
        .iter()
        .map(|u| (u.kind.clone(), u.name.clone()))
        .collect();
    assert_eq!(
        listed,
        [
            ("aggregate".to_owned(), "public.total(integer)".to_owned()),
            ("rule".to_owned(), "nothing on public.t".to_owned()),
            ("statistics object".to_owned(), "public.t_stats".to_owned()),
        ]
    );
}

#[tokio::test]
async fn the_public_schema_without_its_comment_round_trips() {
    let db = TestDb::new().await;
    db.execute("COMMENT ON SCHEMA public IS NULL; CREATE TABLE public.t (id int);")
        .await;
    let found = read(&db, &IntrospectOptions::default()).await;
    let public = found
        .catalog
        .schemas
        .get(&Ident::new("public"))
        .expect("public is read");
    assert_eq!(public.comment, None);
    if let Err(e) = round_trip(&found.catalog, &[]).await {
        panic!("{e}");
    }
}

#[tokio::test]
async fn extensions_know_what_they_require() {
    let db = TestDb::new().await;
    db.execute("CREATE SCHEMA geo; CREATE EXTENSION earthdistance WITH SCHEMA geo CASCADE;")
        .await;
    let found = read(&db, &IntrospectOptions::default()).await;
    let earthdistance = found
        .catalog
        .extensions
        .get(&Ident::new("earthdistance"))
        .expect("extension read");
    assert_eq!(earthdistance.requires, [Ident::new("cube")]);
    assert!(found.catalog.extensions.contains_key(&Ident::new("cube")));
    if let Err(e) = round_trip(&found.catalog, &[]).await {
        panic!("{e}");
    }
}
