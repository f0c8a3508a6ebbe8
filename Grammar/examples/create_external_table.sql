CREATE EXTERNAL TABLE IF NOT EXISTS lake.events (event_id bigint, price numeric(10,2)) STORED AS PARQUET LOCATION 'lake/events/**/*.parquet' PARTITIONED BY (dt date) OPTIONS (union_by_name 'true')
