-- User triggers (not internal ones, not clones on partitions of a partitioned table's trigger).
SELECT n.nspname AS schema,
       c.relname AS "table",
       t.tgname AS name,
       t.tgtype::integer AS type_bits,
       ARRAY(SELECT a.attname FROM pg_catalog.unnest(t.tgattr::pg_catalog.int2[]) WITH ORDINALITY k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS update_columns,
       fn.nspname AS function_schema,
       f.proname AS function_name,
       t.tgargs AS arguments,
       t.tgnargs::integer AS argument_count,
       t.tgconstraint <> 0 AS is_constraint,
       t.tgdeferrable AS deferrable,
       t.tginitdeferred AS initially_deferred,
       rn.nspname AS ref_schema,
       rc.relname AS ref_table,
       t.tgenabled::text AS enabled,
       t.tgoldtable AS old_table,
       t.tgnewtable AS new_table,
       pg_catalog.pg_get_triggerdef(t.oid) AS definition,
       {{comment:pg_trigger:t.oid:0}} AS comment
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_proc f ON f.oid = t.tgfoid
JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = t.tgconstrrelid
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
WHERE NOT t.tgisinternal
  AND t.tgparentid = 0
  AND {{schema:n}}
  AND {{not_ext:pg_class:c.oid}}
ORDER BY 1, 2, 3
