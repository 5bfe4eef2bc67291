-- Every type outside pg_catalog and information_schema, mapped to its element type for arrays,
-- so that column types can name the user-defined type they depend on.
SELECT t.oid AS oid,
       en.nspname AS schema,
       et.typname AS name
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_type et
  ON et.oid = CASE WHEN t.typelem <> 0 AND t.typcategory = 'A' THEN t.typelem ELSE t.oid END
JOIN pg_catalog.pg_namespace en ON en.oid = et.typnamespace
WHERE en.nspname NOT IN ('pg_catalog', 'information_schema')
  AND en.nspname !~ '^pg_toast'
