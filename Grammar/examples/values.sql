VALUES (1, 'a'), (2, 'b') ORDER BY 1 DESC;
