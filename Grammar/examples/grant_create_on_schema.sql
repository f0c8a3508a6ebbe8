GRANT CREATE ON SCHEMA shared TO stewards;
