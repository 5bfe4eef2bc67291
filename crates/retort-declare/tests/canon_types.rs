//! `canonical_builtin` agrees with PostgreSQL's `format_type` for every spelling below: each one
//! becomes a column, and the server's own text for the column type is the expected value.

use retort_declare::canon::types::{canonical_builtin, serial_kind};
use retort_testkit::TestDb;

const SPELLINGS: &[&str] = &[
    // integers
    "int",
    "INT",
    "int4",
    "Integer",
    "pg_catalog.int4",
    "\"int4\"",
    "int2",
    "SMALLINT",
    "int8",
    "BigInt",
    "pg_catalog.int8",
    // floating point
    "float4",
    "real",
    "float8",
    "double precision",
    "DOUBLE   PRECISION",
    "float",
    "float(1)",
    "float(24)",
    "float(25)",
    "FLOAT ( 53 )",
    // boolean
    "bool",
    "BOOLEAN",
    "pg_catalog.bool",
    // numeric
    "numeric",
    "numeric(10,2)",
    "NUMERIC ( 10 , 2 )",
    "numeric(7)",
    "decimal",
    "decimal(5,1)",
    "dec(3)",
    "numeric(5,-2)",
    "pg_catalog.numeric(12,4)",
    // character types
    "varchar",
    "varchar(20)",
    "VARCHAR (20)",
    "character varying",
    "character varying(30)",
    "char varying(4)",
    "national character varying(8)",
    "char",
    "CHAR(3)",
    "character",
    "character(10)",
    "nchar(2)",
    "bpchar",
    "pg_catalog.bpchar(5)",
    "pg_catalog.varchar(6)",
    "\"char\"",
    "pg_catalog.char",
    "pg_catalog.\"char\"",
    "name",
    "text",
    "TEXT",
    // bit strings
    "bit",
    "bit(8)",
    "bit varying",
    "bit varying(16)",
    "varbit",
    "varbit(4)",
    // date and time
    "date",
    "timestamp",
    "timestamp(3)",
    "timestamp without time zone",
    "TIMESTAMP(0) WITHOUT TIME ZONE",
    "timestamp with time zone",
    "timestamp ( 2 )  with  time  zone",
    "timestamptz",
    "timestamptz(4)",
    "timestamp(9)",
    "pg_catalog.timestamp(1)",
    "time",
    "time(2)",
    "time with time zone",
    "time(5) with time zone",
    "time without time zone",
    "timetz",
    "timetz(1)",
    "interval",
    "interval(3)",
    "interval year",
    "interval month",
    "interval day",
    "interval hour",
    "interval minute",
    "interval second",
    "interval second(2)",
    "interval year to month",
    "interval day to hour",
    "interval day to minute",
    "interval day to second",
    "interval day to second(3)",
    "INTERVAL HOUR TO MINUTE",
    "interval hour to second(0)",
    "interval minute to second(6)",
    "pg_catalog.interval",
    // other built-ins
    "bytea",
    "uuid",
    "UUID",
    "json",
    "jsonb",
    "jsonpath",
    "money",
    "inet",
    "cidr",
    "macaddr",
    "macaddr8",
    "xml",
    "tsvector",
    "tsquery",
    "point",
    "line",
    "lseg",
    "box",
    "path",
    "polygon",
    "circle",
    "oid",
    "xid",
    "xid8",
    "cid",
    "tid",
    "pg_lsn",
    "pg_snapshot",
    "txid_snapshot",
    "regclass",
    "regtype",
    "regproc",
    "regprocedure",
    "regoper",
    "regoperator",
    "regnamespace",
    "regrole",
    "regconfig",
    "regdictionary",
    "regcollation",
    "int4range",
    "int8range",
    "numrange",
    "tsrange",
    "tstzrange",
    "daterange",
    "int4multirange",
    "int8multirange",
    "nummultirange",
    "tsmultirange",
    "tstzmultirange",
    "datemultirange",
    // arrays
    "int[]",
    "int[3]",
    "int ARRAY",
    "integer array[4]",
    "int[][]",
    "int [ 2 ] [ 3 ]",
    "text[]",
    "varchar(10)[]",
    "character varying(5) ARRAY",
    "numeric(8,3)[]",
    "timestamp(3) with time zone[]",
    "interval day to second(2)[]",
    "\"char\"[]",
    "char[]",
    "bit(3)[]",
    "pg_catalog.int8[]",
    "uuid[][]",
    "jsonb ARRAY",
    "double precision[]",
    "float(10)[]",
    "\"varchar\"(5)",
    "\"numeric\"(4,1)[]",
    "int[3][]",
    "tstzrange[]",
];

#[tokio::test]
async fn canonical_builtin_matches_format_type() {
    let db = TestDb::new().await;
    let columns: Vec<String> = SPELLINGS
        .iter()
        .enumerate()
        .map(|(i, spelling)| format!("c{i} {spelling}"))
        .collect();
    db.execute(&format!(
        "CREATE TABLE public.t (\n    {}\n)",
        columns.join(",\n    ")
    ))
    .await;

    let client = db.client().await;
    client
        .batch_execute("SET search_path = ''")
        .await
        .unwrap_or_else(|e| panic!("SET search_path: {e}"));
    let rows = client
        .query(
            "SELECT a.attnum::int4, pg_catalog.format_type(a.atttypid, a.atttypmod) \
             FROM pg_catalog.pg_attribute a \
             WHERE a.attrelid = 'public.t'::pg_catalog.regclass AND a.attnum > 0 \
               AND NOT a.attisdropped \
             ORDER BY a.attnum",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("reading pg_attribute: {e}"));
    assert_eq!(rows.len(), SPELLINGS.len());

    let mut mismatches = Vec::new();
    for (row, spelling) in rows.iter().zip(SPELLINGS) {
        let server: String = row.get(1);
        let ours = canonical_builtin(spelling);
        if ours.as_deref() != Some(server.as_str()) {
            mismatches.push(format!(
                "{spelling:?}: server {server:?}, canonical_builtin {ours:?}"
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} spellings differ from format_type:\n{}",
        mismatches.len(),
        SPELLINGS.len(),
        mismatches.join("\n")
    );
}

/// Spellings `canonical_builtin` refuses: the server rejects every one as a column type too
/// (a bad modifier, a name no schema on an empty database holds, a keyword spelling qualified).
const REJECTED: &[&str] = &[
    "float(0)",
    "float(54)",
    "varchar(0)",
    "numeric(0)",
    "numeric(1001)",
    "int4(3)",
    "text(5)",
    "interval year(3)",
    "interval month to year",
    "pg_catalog.interval(3)",
    "pg_catalog.integer",
    "pg_catalog.double precision",
    "\"integer\"",
    "\"Int4\"",
    "public.mood",
    "\"MyType\"",
    "citext",
    "int ARRAY[]",
    "int ARRAY[2][3]",
    "int[-1]",
    "varchar(+5)",
    "\"char\"(3)",
    "time(-1)",
];

#[tokio::test]
async fn rejected_spellings_are_rejected_by_the_server() {
    let db = TestDb::new().await;
    let mut accepted = Vec::new();
    for (i, spelling) in REJECTED.iter().enumerate() {
        assert_eq!(canonical_builtin(spelling), None, "{spelling:?}");
        if db
            .try_execute(&format!("CREATE TABLE public.r{i} (c {spelling})"))
            .await
            .is_ok()
        {
            accepted.push(*spelling);
        }
    }
    assert!(accepted.is_empty(), "the server accepts {accepted:?}");
}

#[tokio::test]
async fn serial_kind_matches_the_column_type() {
    let spellings = [
        "serial",
        "SERIAL4",
        "\"serial\"",
        "bigserial",
        "serial8",
        "SmallSerial",
        "serial2",
    ];
    let db = TestDb::new().await;
    let columns: Vec<String> = spellings
        .iter()
        .enumerate()
        .map(|(i, spelling)| format!("c{i} {spelling}"))
        .collect();
    db.execute(&format!("CREATE TABLE public.s ({})", columns.join(", ")))
        .await;
    let client = db.client().await;
    let rows = client
        .query(
            "SELECT pg_catalog.format_type(a.atttypid, a.atttypmod), \
                    pg_catalog.pg_get_serial_sequence('public.s', a.attname) IS NOT NULL \
             FROM pg_catalog.pg_attribute a \
             WHERE a.attrelid = 'public.s'::pg_catalog.regclass AND a.attnum > 0 \
             ORDER BY a.attnum",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("reading pg_attribute: {e}"));
    assert_eq!(rows.len(), spellings.len());
    for (row, spelling) in rows.iter().zip(spellings) {
        let server: String = row.get(0);
        let owns_sequence: bool = row.get(1);
        assert!(owns_sequence, "{spelling:?} made no sequence");
        assert_eq!(serial_kind(spelling), Some(server.as_str()), "{spelling:?}");
    }
    // Not serials: PostgreSQL only recognises the one-part name.
    assert_eq!(serial_kind("pg_catalog.serial"), None);
    assert!(
        db.try_execute("CREATE TABLE public.q (c pg_catalog.serial)")
            .await
            .is_err()
    );
}
