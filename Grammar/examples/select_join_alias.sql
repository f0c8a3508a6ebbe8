SELECT t.* FROM (t1 CROSS JOIN t2) AS t (a, b, c, d);
