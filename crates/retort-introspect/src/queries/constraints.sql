-- Table constraints declared on the table itself (not cloned from a parent or partition root).
SELECT n.nspname AS schema,
       c.relname AS "table",
       con.conname AS name,
       con.contype::text AS kind,
       con.condeferrable AS deferrable,
       con.condeferred AS initially_deferred,
       NOT con.convalidated AS not_valid,
       con.connoinherit AS no_inherit,
       con.conindid AS index_oid,
       ARRAY(SELECT a.attname FROM pg_catalog.unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS columns,
       CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_expr(con.conbin, con.conrelid) END AS expression,
       fn.nspname AS ref_schema,
       fc.relname AS ref_table,
       ARRAY(SELECT a.attname FROM pg_catalog.unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS ref_columns,
       con.confmatchtype::text AS match_type,
       con.confupdtype::text AS on_update,
       con.confdeltype::text AS on_delete,
       ARRAY(SELECT a.attname FROM pg_catalog.unnest({{delete_set_columns}}) WITH ORDINALITY k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS on_delete_columns,
       ARRAY(SELECT op.oprname
             FROM pg_catalog.unnest(con.conexclop) WITH ORDINALITY x(opoid, ord)
             JOIN pg_catalog.pg_operator op ON op.oid = x.opoid
             ORDER BY x.ord) AS exclusion_operators,
       ARRAY(SELECT NULLIF(opn.nspname, 'pg_catalog')
             FROM pg_catalog.unnest(con.conexclop) WITH ORDINALITY x(opoid, ord)
             JOIN pg_catalog.pg_operator op ON op.oid = x.opoid
             JOIN pg_catalog.pg_namespace opn ON opn.oid = op.oprnamespace
             ORDER BY x.ord) AS exclusion_operator_schemas,
       {{comment:pg_constraint:con.oid:0}} AS comment
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'u', 'c', 'f', 'x')
  AND c.relkind IN ('r', 'p')
  AND con.conparentid = 0
  AND con.conislocal
  AND {{schema:n}}
  AND {{not_ext:pg_class:c.oid}}
ORDER BY 1, 2, 3
