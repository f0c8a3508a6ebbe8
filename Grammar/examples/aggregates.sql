SELECT count(*), count(DISTINCT user_id), sum(x) FILTER (WHERE x > 0),
       string_agg(name, ', ' ORDER BY name),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY latency)
FROM requests;
