//! A text description of everything a database holds outside the system schemas, read with
//! PostgreSQL's own deparsing functions (`pg_get_*def`, `format_type`, `pg_describe_object`).
//! Two databases with equal fingerprints hold the same schema, down to column positions,
//! generated names of partition indexes and constraints, and comments. Independent of the
//! introspector, so it checks the renderer on its own.

use retort_testkit::TestDb;

/// Objects created by extensions are left out; everything else with an OID at or above
/// `FirstNormalObjectId` (16384) was created by the test.
const USER_OBJECT: &str = "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e \
     WHERE e.classid = {class}::pg_catalog.regclass AND e.objid = {oid} AND e.deptype = 'e') \
     AND {oid} >= 16384";

fn user_object(class: &str, oid: &str) -> String {
    USER_OBJECT.replace("{class}", class).replace("{oid}", oid)
}

fn queries() -> Vec<String> {
    let rel = format!(
        "{} AND c.relnamespace <> 'pg_toast'::pg_catalog.regnamespace",
        user_object("'pg_catalog.pg_class'", "c.oid")
    );
    let typ = user_object("'pg_catalog.pg_type'", "t.oid");
    let proc = user_object("'pg_catalog.pg_proc'", "p.oid");
    vec![
        "SELECT 'schema ' || nspname FROM pg_catalog.pg_namespace WHERE oid >= 16384".to_owned(),
        "SELECT format('extension %s %s in %s', extname, extversion, extnamespace::pg_catalog.regnamespace) \
         FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql'"
            .to_owned(),
        format!(
            "SELECT format('relation %s kind=%s persistence=%s options=%s rls=%s/%s partition=%s %s key=%s parents=%s populated=%s valid_index=%s',
                c.oid::pg_catalog.regclass, c.relkind, c.relpersistence,
                (SELECT pg_catalog.array_agg(o ORDER BY o) FROM pg_catalog.unnest(c.reloptions) o),
                c.relrowsecurity, c.relforcerowsecurity, c.relispartition,
                pg_catalog.pg_get_expr(c.relpartbound, c.oid),
                CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END,
                (SELECT pg_catalog.string_agg(i.inhparent::pg_catalog.regclass::text, ', ' ORDER BY i.inhseqno)
                 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid),
                c.relispopulated,
                (SELECT x.indisvalid FROM pg_catalog.pg_index x WHERE x.indexrelid = c.oid))
             FROM pg_catalog.pg_class c WHERE c.relkind <> 't' AND {rel}"
        ),
        format!(
            "SELECT format('column %s.%I #%s %s notnull=%s default=%s identity=%s generated=%s collation=%s local=%s inherited=%s',
                c.oid::pg_catalog.regclass, a.attname, a.attnum,
                pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
                pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
                a.attcollation::pg_catalog.regcollation, a.attislocal, a.attinhcount)
             FROM pg_catalog.pg_class c
             JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
             LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
             WHERE c.relkind IN ('r', 'p', 'v', 'm', 'c', 'f') AND {rel}"
        ),
        format!(
            "SELECT format('sequence %s %s start=%s min=%s max=%s increment=%s cycle=%s cache=%s',
                s.seqrelid::pg_catalog.regclass, pg_catalog.format_type(s.seqtypid, NULL), s.seqstart,
                s.seqmin, s.seqmax, s.seqincrement, s.seqcycle, s.seqcache)
             FROM pg_catalog.pg_sequence s JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid WHERE {rel}"
        ),
        format!(
            "SELECT format('dependency %s on %s (%s)',
                pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid),
                pg_catalog.pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid), d.deptype)
             FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class c ON c.oid = d.objid
             WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND c.relkind = 'S'
               AND d.deptype IN ('a', 'i') AND {rel}"
        ),
        "SELECT format('constraint %s on %s: %s valid=%s local=%s inherited=%s noinherit=%s',
            con.conname, COALESCE(con.conrelid::pg_catalog.regclass::text, con.contypid::pg_catalog.regtype::text),
            pg_catalog.pg_get_constraintdef(con.oid), con.convalidated, con.conislocal,
            con.coninhcount, con.connoinherit)
         FROM pg_catalog.pg_constraint con WHERE con.oid >= 16384"
            .to_owned(),
        format!(
            "SELECT format('index %s %s', pg_catalog.pg_get_indexdef(x.indexrelid), x.indisvalid)
             FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class c ON c.oid = x.indexrelid WHERE {rel}"
        ),
        "SELECT format('trigger %s enabled=%s', pg_catalog.pg_get_triggerdef(t.oid), t.tgenabled)
         FROM pg_catalog.pg_trigger t WHERE NOT t.tgisinternal"
            .to_owned(),
        "SELECT format('policy %s.%s %s %s %s %s using=%s check=%s', schemaname, tablename,
            policyname, permissive, roles, cmd, qual, with_check)
         FROM pg_catalog.pg_policies"
            .to_owned(),
        format!("SELECT pg_catalog.pg_get_functiondef(p.oid) FROM pg_catalog.pg_proc p WHERE {proc}"),
        format!(
            "SELECT format('view %s: %s', c.oid::pg_catalog.regclass, pg_catalog.pg_get_viewdef(c.oid))
             FROM pg_catalog.pg_class c WHERE c.relkind IN ('v', 'm') AND {rel}"
        ),
        format!(
            "SELECT format('type %s %s base=%s notnull=%s default=%s collation=%s labels=%s',
                t.oid::pg_catalog.regtype, t.typtype,
                CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END,
                t.typnotnull, t.typdefault, t.typcollation::pg_catalog.regcollation,
                (SELECT pg_catalog.array_agg(e.enumlabel ORDER BY e.enumsortorder)
                 FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid))
             FROM pg_catalog.pg_type t WHERE t.typtype IN ('e', 'd', 'c') AND {typ}"
        ),
        "SELECT format('comment on %s: %s',
            pg_catalog.pg_describe_object(d.classoid, d.objoid, d.objsubid), d.description)
         FROM pg_catalog.pg_description d
         WHERE d.objoid >= 16384 OR d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass"
            .to_owned(),
    ]
}

/// The sorted description lines of `db`.
pub async fn fingerprint(db: &TestDb) -> Vec<String> {
    let client = db.client().await;
    client
        .batch_execute("SET search_path = ''")
        .await
        .expect("search_path set");
    let mut lines = Vec::new();
    for query in queries() {
        let rows = client
            .query(query.as_str(), &[])
            .await
            .unwrap_or_else(|e| panic!("fingerprint query failed: {e:?}\n{query}"));
        for row in rows {
            let line: Option<String> = row.get(0);
            lines.push(line.unwrap_or_else(|| "<null>".to_owned()));
        }
    }
    lines.sort();
    lines
}

/// A line diff of two fingerprints, or `None` when they are equal.
pub fn diff(expected: &[String], actual: &[String]) -> Option<String> {
    if expected == actual {
        return None;
    }
    let a = expected.join("\n");
    let b = actual.join("\n");
    Some(
        similar::TextDiff::from_lines(&a, &b)
            .unified_diff()
            .context_radius(2)
            .header("expected", "rendered")
            .to_string(),
    )
}
