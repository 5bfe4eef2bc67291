-- User-defined collations.
SELECT n.nspname AS schema,
       co.collname AS name,
       co.collprovider::text AS provider,
       co.collcollate AS lc_collate,
       co.collctype AS lc_ctype,
       {{collation_locale}} AS locale,
       co.collisdeterministic AS deterministic,
       {{collation_rules}} AS rules,
       {{comment:pg_collation:co.oid:0}} AS comment
FROM pg_catalog.pg_collation co
JOIN pg_catalog.pg_namespace n ON n.oid = co.collnamespace
WHERE {{schema:n}}
  AND {{not_ext:pg_collation:co.oid}}
ORDER BY 1, 2
