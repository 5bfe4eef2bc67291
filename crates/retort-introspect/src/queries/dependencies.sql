-- What views, materialized views and SQL-standard function bodies use: relations, functions and
-- types outside pg_catalog. Used to order creation; one row per (object, referenced object).
WITH owners AS (
    SELECT 'relation' AS owner_kind, c.oid AS owner_oid, r.oid AS rule_oid, 'pg_catalog.pg_rewrite'::pg_catalog.regclass AS classid
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_rewrite r ON r.ev_class = c.oid
    WHERE c.relkind IN ('v', 'm')
      AND {{schema:n}}
    UNION ALL
    SELECT 'function', p.oid, p.oid, 'pg_catalog.pg_proc'::pg_catalog.regclass
    FROM pg_catalog.pg_proc p
    JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE {{schema:n}}
      AND {{has_sql_body}}
)
SELECT DISTINCT o.owner_kind,
       o.owner_oid,
       CASE d.refclassid
            WHEN 'pg_catalog.pg_class'::pg_catalog.regclass THEN 'relation'
            WHEN 'pg_catalog.pg_proc'::pg_catalog.regclass THEN 'function'
            ELSE 'type' END AS ref_kind,
       COALESCE(rcn.nspname, rpn.nspname, rtn.nspname) AS ref_schema,
       COALESCE(rc.relname, rp.proname, rt.typname) AS ref_name,
       CASE WHEN rp.oid IS NOT NULL THEN pg_catalog.pg_get_function_identity_arguments(rp.oid) END AS ref_arguments
FROM owners o
JOIN pg_catalog.pg_depend d
  ON d.classid = o.classid AND d.objid = o.rule_oid AND d.deptype = 'n'
LEFT JOIN pg_catalog.pg_class rc
  ON d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND rc.oid = d.refobjid AND rc.relkind IN ('r', 'p', 'v', 'm', 'f')
LEFT JOIN pg_catalog.pg_namespace rcn ON rcn.oid = rc.relnamespace
LEFT JOIN pg_catalog.pg_proc rp
  ON d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND rp.oid = d.refobjid
LEFT JOIN pg_catalog.pg_namespace rpn ON rpn.oid = rp.pronamespace
LEFT JOIN pg_catalog.pg_type rt
  ON d.refclassid = 'pg_catalog.pg_type'::pg_catalog.regclass AND rt.oid = d.refobjid
LEFT JOIN pg_catalog.pg_namespace rtn ON rtn.oid = rt.typnamespace
WHERE COALESCE(rc.oid, rp.oid, rt.oid) IS NOT NULL
  AND COALESCE(rc.oid, rp.oid, rt.oid) <> o.owner_oid
  AND COALESCE(rcn.nspname, rpn.nspname, rtn.nspname) NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1, 2, 3, 4, 5, 6
