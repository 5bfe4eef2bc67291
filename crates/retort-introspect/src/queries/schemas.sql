-- Schemas that hold user objects.
SELECT n.nspname AS name,
       {{comment:pg_namespace:n.oid:0}} AS comment
FROM pg_catalog.pg_namespace n
WHERE {{schema:n}}
  AND {{not_ext:pg_namespace:n.oid}}
ORDER BY n.nspname
