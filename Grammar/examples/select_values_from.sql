SELECT * FROM (VALUES (1, 'one'), (2, 'two')) AS v (id, label);
