-- Row level security policies.
SELECT n.nspname AS schema,
       c.relname AS "table",
       pol.polname AS name,
       pol.polcmd::text AS command,
       pol.polpermissive AS permissive,
       ARRAY(SELECT CASE WHEN r.roleid = 0 THEN 'public' ELSE ro.rolname END
             FROM pg_catalog.unnest(pol.polroles) r(roleid)
             LEFT JOIN pg_catalog.pg_roles ro ON ro.oid = r.roleid
             ORDER BY 1) AS roles,
       pg_catalog.pg_get_expr(pol.polqual, pol.polrelid) AS using_expr,
       pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid) AS with_check,
       {{comment:pg_policy:pol.oid:0}} AS comment
FROM pg_catalog.pg_policy pol
JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE {{schema:n}}
  AND {{not_ext:pg_class:c.oid}}
ORDER BY 1, 2, 3
