-- Query a set of Parquet files in place.
SELECT * FROM 'data/events/*.parquet' AS e WHERE e.day >= DATE '2024-01-01';
