-- Installed extensions (plpgsql is built in and always present, so it is not reported).
SELECT e.extname AS name,
       n.nspname AS schema,
       e.extversion AS version,
       ARRAY(SELECT r.extname
             FROM pg_catalog.pg_depend d
             JOIN pg_catalog.pg_extension r ON r.oid = d.refobjid
             WHERE d.classid = 'pg_catalog.pg_extension'::pg_catalog.regclass
               AND d.objid = e.oid
               AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
               AND d.deptype = 'n'
             ORDER BY 1) AS requires,
       {{comment:pg_extension:e.oid:0}} AS comment
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
  AND {{schema:n}}
ORDER BY e.extname
