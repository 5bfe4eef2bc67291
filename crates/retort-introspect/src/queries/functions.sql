-- Functions and procedures written in SQL or a procedural language (aggregates and C functions
-- are reported as unsupported by unsupported.sql).
SELECT p.oid AS oid,
       n.nspname AS schema,
       p.proname AS name,
       pg_catalog.pg_get_function_identity_arguments(p.oid) AS identity_arguments,
       pg_catalog.pg_get_function_arguments(p.oid) AS arguments,
       CASE WHEN p.prokind <> 'p' THEN pg_catalog.pg_get_function_result(p.oid) END AS returns,
       p.prokind::text AS kind,
       l.lanname AS language,
       p.prosrc AS source,
       {{sql_body}} AS sql_body,
       p.provolatile::text AS volatility,
       p.proisstrict AS strict,
       p.prosecdef AS security_definer,
       p.proleakproof AS leakproof,
       p.proparallel::text AS parallel,
       p.procost::text AS cost,
       p.prorows::text AS rows,
       COALESCE(p.proconfig, '{}') AS config,
       {{comment:pg_proc:p.oid:0}} AS comment
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
WHERE p.prokind IN ('f', 'p', 'w')
  AND l.lanname NOT IN ('c', 'internal')
  AND {{schema:n}}
  AND {{not_ext:pg_proc:p.oid}}
ORDER BY 2, 3, 4
