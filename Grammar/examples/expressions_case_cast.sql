SELECT CASE WHEN x < 0 THEN 'neg' WHEN x = 0 THEN 'zero' ELSE 'pos' END,
       CASE status WHEN 1 THEN 'on' END,
       CAST(amount AS numeric(12,2)), price::text::varchar(10), '42'::bigint, tags::text[]
FROM t;
