SELECT * FROM generate_series(1, 5) WITH ORDINALITY AS g(value, n);
