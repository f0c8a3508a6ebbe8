select * from pg_catalog.pg_policies where schemaname='public' and tablename='customers'
