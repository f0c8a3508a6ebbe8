-- Table functions with named arguments.
SELECT * FROM read_parquet('s3://bucket/trips/**/*.parquet', hive_partitioning => true) t;
