-- Schemas that hold user objects.
SELECT n.nspname AS name,
       pg_catalog.obj_description(n.oid, 'pg_namespace') AS comment
FROM pg_catalog.pg_namespace n
WHERE {{schema:n}}
  AND {{not_ext:pg_namespace:n.oid}}
ORDER BY n.nspname
