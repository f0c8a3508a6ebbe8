EXPLAIN ANALYZE VERBOSE SELECT count(*) FROM 'data/*.parquet';
