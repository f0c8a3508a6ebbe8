CREATE TABLE daily (day, total) AS SELECT date_trunc('day', ts), sum(v) FROM m GROUP BY 1;
