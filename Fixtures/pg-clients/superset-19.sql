SELECT conname
           FROM  pg_catalog.pg_constraint r
           WHERE r.conrelid = {{orders}} AND r.contype = 'p'
           ORDER BY 1
