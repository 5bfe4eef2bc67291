-- Columns of tables, views and materialized views (for views, only names and comments are used).
-- Unordered: the reader sorts by position, which is cheaper than sorting these wide rows here.
SELECT n.nspname AS schema,
       c.relname AS relation,
       c.relkind::text AS relkind,
       c.relispartition AS is_partition,
       a.attnum AS position,
       a.attname AS name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS data_type,
       a.atttypid AS data_type_oid,
       a.attnotnull AND NOT {{not_null_invalid}} AS not_null,
       pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) AS default_expr,
       a.attidentity::text AS identity,
       a.attgenerated::text AS generated,
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN cn.nspname END AS collation_schema,
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN co.collname END AS collation_name,
       CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::text END AS storage,
       {{column_compression}} AS compression,
       {{column_statistics}} AS statistics,
       a.attislocal AS is_local,
       a.attinhcount::pg_catalog.int4 AS inherit_count,  -- int2 from PostgreSQL 16
       seq.schema AS identity_sequence_schema,
       seq.name AS identity_sequence_name,
       seq.data_type AS identity_data_type,
       seq.seqstart AS identity_start,
       seq.seqincrement AS identity_increment,
       seq.seqmin AS identity_min,
       seq.seqmax AS identity_max,
       seq.seqcache AS identity_cache,
       seq.seqcycle AS identity_cycle,
       {{comment:pg_class:c.oid:a.attnum}} AS comment
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN LATERAL (
    SELECT sn.nspname AS schema, sc.relname AS name,
           pg_catalog.format_type(s.seqtypid, NULL) AS data_type,
           s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle
    FROM pg_catalog.pg_depend d
    JOIN pg_catalog.pg_class sc ON sc.oid = d.objid
    JOIN pg_catalog.pg_namespace sn ON sn.oid = sc.relnamespace
    JOIN pg_catalog.pg_sequence s ON s.seqrelid = sc.oid
    WHERE d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND d.refobjid = c.oid
      AND d.refobjsubid = a.attnum
      AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND d.deptype = 'i'
      AND a.attidentity <> ''
    LIMIT 1
) seq ON true
WHERE c.relkind IN ('r', 'p', 'v', 'm')
  AND c.relpersistence <> 't'
  AND {{schema:n}}
  AND {{not_ext:pg_class:c.oid}}
