select description from pg_shdescription join pg_database on objoid = pg_database.oid where datname = 'lakesql'
