-- Stand-alone composite types (CREATE TYPE ... AS (...)), one row per attribute.
SELECT n.nspname AS schema,
       t.typname AS name,
       {{comment:pg_type:t.oid:0}} AS comment,
       a.attnum AS position,
       a.attname AS attribute,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS data_type,
       a.atttypid AS data_type_oid,
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation THEN cn.nspname END AS collation_schema,
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation THEN co.collname END AS collation_name,
       {{comment:pg_class:c.oid:a.attnum}} AS attribute_comment
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
JOIN pg_catalog.pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_type at ON at.oid = a.atttypid
LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
WHERE t.typtype = 'c'
  AND {{schema:n}}
  AND {{not_ext:pg_type:t.oid}}
ORDER BY 1, 2, 4
