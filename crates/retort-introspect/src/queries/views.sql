-- Views and materialized views.
SELECT c.oid AS oid,
       n.nspname AS schema,
       c.relname AS name,
       c.relkind = 'm' AS materialized,
       pg_catalog.pg_get_viewdef(c.oid) AS definition,
       COALESCE(c.reloptions, '{}') AS options,
       c.relispopulated AS populated,
       {{comment:pg_class:c.oid:0}} AS comment
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm')
  AND {{schema:n}}
  AND {{not_ext:pg_class:c.oid}}
ORDER BY 2, 3
