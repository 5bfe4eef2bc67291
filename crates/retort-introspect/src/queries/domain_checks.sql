-- CHECK constraints of domains.
SELECT n.nspname AS schema,
       t.typname AS domain,
       con.conname AS name,
       pg_catalog.pg_get_expr(con.conbin, 0) AS expression,
       NOT con.convalidated AS not_valid,
       {{comment:pg_constraint:con.oid:0}} AS comment
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_type t ON t.oid = con.contypid
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE con.contype = 'c'
  AND t.typtype = 'd'
  AND {{schema:n}}
  AND {{not_ext:pg_type:t.oid}}
ORDER BY 1, 2, 3
