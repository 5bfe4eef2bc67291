-- Ordinary and partitioned tables.
SELECT n.nspname AS schema,
       c.relname AS name,
       c.relpersistence = 'u' AS unlogged,
       COALESCE(c.reloptions, '{}') AS options,
       c.relrowsecurity AS row_security,
       c.relforcerowsecurity AS force_row_security,
       pt.partstrat::text AS partition_strategy,
       CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partition_key,
       c.relispartition AS is_partition,
       CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       COALESCE(parents.schemas, '{}') AS parent_schemas,
       COALESCE(parents.names, '{}') AS parent_names,
       c.relreplident::text AS replica_identity,
       (SELECT ic.relname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
        WHERE i.indrelid = c.oid AND i.indisreplident) AS replica_identity_index,
       (SELECT ic.relname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
        WHERE i.indrelid = c.oid AND i.indisclustered) AS clustered_on,
       {{comment:pg_class:c.oid:0}} AS comment
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_partitioned_table pt ON pt.partrelid = c.oid
LEFT JOIN LATERAL (
    SELECT pg_catalog.array_agg(pn.nspname ORDER BY i.inhseqno) AS schemas,
           pg_catalog.array_agg(p.relname ORDER BY i.inhseqno) AS names
    FROM pg_catalog.pg_inherits i
    JOIN pg_catalog.pg_class p ON p.oid = i.inhparent
    JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
    WHERE i.inhrelid = c.oid
) parents ON true
WHERE c.relkind IN ('r', 'p')
  AND c.relpersistence <> 't'
  AND {{schema:n}}
  AND {{not_ext:pg_class:c.oid}}
ORDER BY 1, 2
