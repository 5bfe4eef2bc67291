-- Enum types with their labels in sort order.
SELECT n.nspname AS schema,
       t.typname AS name,
       COALESCE(pg_catalog.array_agg(e.enumlabel ORDER BY e.enumsortorder)
                FILTER (WHERE e.enumlabel IS NOT NULL), '{}') AS labels,
       {{comment:pg_type:t.oid:0}} AS comment
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid
WHERE t.typtype = 'e'
  AND {{schema:n}}
  AND {{not_ext:pg_type:t.oid}}
GROUP BY n.nspname, t.typname, t.oid
ORDER BY 1, 2
