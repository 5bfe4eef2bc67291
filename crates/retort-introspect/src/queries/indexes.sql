-- Indexes on tables and materialized views, including those that implement constraints
-- (backs_constraint is set for them); indexes attached to a partitioned parent index are left out.
WITH idx AS (
    SELECT i.*, ic.relname AS index_name, ic.reloptions AS index_options, ic.relkind AS index_kind,
           ic.relam, n.nspname, c.relname AS table_name
    FROM pg_catalog.pg_index i
    JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'm')
      AND NOT ic.relispartition
      AND {{schema:n}}
      AND {{not_ext:pg_class:c.oid}}
),
key AS (
    SELECT idx.indexrelid, idx.indrelid, p.pos,
           idx.indkey[p.pos - 1] AS attnum,
           idx.indclass[p.pos - 1] AS opclass,
           idx.indcollation[p.pos - 1] AS collation,
           idx.indoption[p.pos - 1] AS opt
    FROM idx, pg_catalog.generate_series(1, idx.indnkeyatts) p(pos)
),
keys AS (
    SELECT k.indexrelid,
           pg_catalog.array_agg(CASE WHEN k.attnum = 0 THEN pg_catalog.pg_get_indexdef(k.indexrelid, k.pos, true) END ORDER BY k.pos) AS defs,
           pg_catalog.array_agg(ka.attname ORDER BY k.pos) AS columns,
           pg_catalog.array_agg(CASE WHEN show_coll THEN colln.nspname END ORDER BY k.pos) AS collation_schemas,
           pg_catalog.array_agg(CASE WHEN show_coll THEN coll.collname END ORDER BY k.pos) AS collation_names,
           pg_catalog.array_agg(CASE WHEN NOT opc.opcdefault THEN opcn.nspname END ORDER BY k.pos) AS opclass_schemas,
           pg_catalog.array_agg(CASE WHEN NOT opc.opcdefault THEN opc.opcname END ORDER BY k.pos) AS opclass_names,
           pg_catalog.array_agg((k.opt & 1) <> 0 ORDER BY k.pos) AS descending,
           pg_catalog.array_agg((k.opt & 2) <> 0 ORDER BY k.pos) AS nulls_first
    FROM key k
    LEFT JOIN pg_catalog.pg_attribute ka ON ka.attrelid = k.indrelid AND ka.attnum = k.attnum AND k.attnum <> 0
    LEFT JOIN pg_catalog.pg_attribute ia ON ia.attrelid = k.indexrelid AND ia.attnum = k.pos
    LEFT JOIN pg_catalog.pg_type it ON it.oid = ia.atttypid
    LEFT JOIN pg_catalog.pg_collation coll ON coll.oid = k.collation
    LEFT JOIN pg_catalog.pg_namespace colln ON colln.oid = coll.collnamespace
    LEFT JOIN pg_catalog.pg_opclass opc ON opc.oid = k.opclass
    LEFT JOIN pg_catalog.pg_namespace opcn ON opcn.oid = opc.opcnamespace
    CROSS JOIN LATERAL (
        SELECT k.collation <> 0
               AND k.collation <> COALESCE(ka.attcollation, it.typcollation) AS show_coll
    ) sc
    GROUP BY k.indexrelid
)
SELECT i.indexrelid AS oid,
       i.nspname AS schema,
       i.index_name AS name,
       i.table_name AS "table",
       i.indisunique AS is_unique,
       am.amname AS method,
       i.indnkeyatts AS key_count,
       keys.defs AS key_defs,
       keys.columns AS key_columns,
       keys.collation_schemas AS key_collation_schemas,
       keys.collation_names AS key_collation_names,
       keys.opclass_schemas AS key_opclass_schemas,
       keys.opclass_names AS key_opclass_names,
       keys.descending AS key_descending,
       keys.nulls_first AS key_nulls_first,
       ARRAY(SELECT a.attname
             FROM pg_catalog.generate_series(i.indnkeyatts + 1, i.indnatts) p(pos)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[p.pos - 1]
             ORDER BY p.pos) AS include,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS predicate,
       {{nulls_not_distinct}} AS nulls_not_distinct,
       COALESCE(i.index_options, '{}') AS options,
       i.index_kind = 'I' AND NOT i.indisvalid AS only,
       con.oid IS NOT NULL AS backs_constraint,
       {{comment:pg_class:i.indexrelid:0}} AS comment
FROM idx i
JOIN keys ON keys.indexrelid = i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = i.relam
LEFT JOIN pg_catalog.pg_constraint con
  ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')
