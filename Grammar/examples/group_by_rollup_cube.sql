SELECT a, b, c, count(*) FROM t GROUP BY ROLLUP (a, (b, c)), CUBE (a, b);
