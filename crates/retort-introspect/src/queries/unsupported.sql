-- Objects in the managed schemas that retort does not model yet. They are reported, never
-- silently dropped: `kind` and a display name for each.
SELECT kind, name FROM (
    SELECT 'aggregate' AS kind, pg_catalog.concat(n.nspname, '.', p.proname, '(', pg_catalog.pg_get_function_identity_arguments(p.oid), ')') AS name
    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE p.prokind = 'a' AND {{schema:n}} AND {{not_ext:pg_proc:p.oid}}
    UNION ALL
    SELECT pg_catalog.concat('function in language ', l.lanname), pg_catalog.concat(n.nspname, '.', p.proname, '(', pg_catalog.pg_get_function_identity_arguments(p.oid), ')')
    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace JOIN pg_catalog.pg_language l ON l.oid = p.prolang
    WHERE p.prokind <> 'a' AND l.lanname IN ('c', 'internal') AND {{schema:n}} AND {{not_ext:pg_proc:p.oid}}
    UNION ALL
    SELECT CASE c.relkind WHEN 'f' THEN 'foreign table' ELSE 'relation' END, pg_catalog.concat(n.nspname, '.', c.relname)
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'f' AND {{schema:n}} AND {{not_ext:pg_class:c.oid}}
    UNION ALL
    SELECT 'rule', pg_catalog.concat(r.rulename, ' on ', n.nspname, '.', c.relname)
    FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE r.rulename <> '_RETURN' AND {{schema:n}} AND {{not_ext:pg_class:c.oid}}
    UNION ALL
    SELECT 'operator', pg_catalog.concat(n.nspname, '.', o.oprname)
    FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
    WHERE {{schema:n}} AND {{not_ext:pg_operator:o.oid}}

    UNION ALL
    SELECT CASE t.typtype WHEN 'r' THEN 'range type' ELSE 'base type' END, pg_catalog.concat(n.nspname, '.', t.typname)
    FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype IN ('b', 'r') AND t.typcategory <> 'A' AND {{schema:n}} AND {{not_ext:pg_type:t.oid}}
    UNION ALL
    SELECT 'text search configuration', pg_catalog.concat(n.nspname, '.', cfg.cfgname)
    FROM pg_catalog.pg_ts_config cfg JOIN pg_catalog.pg_namespace n ON n.oid = cfg.cfgnamespace
    WHERE {{schema:n}} AND {{not_ext:pg_ts_config:cfg.oid}}
    UNION ALL
    SELECT 'statistics object', pg_catalog.concat(n.nspname, '.', s.stxname)
    FROM pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace
    WHERE {{schema:n}} AND {{not_ext:pg_statistic_ext:s.oid}}
    UNION ALL
    SELECT CASE WHEN {{con_not_enforced}} THEN 'NOT ENFORCED constraint'
                WHEN {{con_period}} THEN 'temporal (WITHOUT OVERLAPS / PERIOD) constraint'
                ELSE 'NOT VALID not-null constraint' END,
           pg_catalog.concat(con.conname, ' on ', n.nspname, '.', c.relname)
    FROM pg_catalog.pg_constraint con
    JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE ({{con_not_enforced}} OR {{con_period}} OR (con.contype = 'n' AND NOT con.convalidated))
      AND {{schema:n}} AND {{not_ext:pg_class:c.oid}}
    UNION ALL
    SELECT 'event trigger', e.evtname
    FROM pg_catalog.pg_event_trigger e
    WHERE {{not_ext:pg_event_trigger:e.oid}}
) u
ORDER BY 1, 2
