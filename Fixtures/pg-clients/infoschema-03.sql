SELECT catalog_name, schema_name, default_character_set_name, sql_path FROM information_schema.schemata WHERE schema_name = 'public'
