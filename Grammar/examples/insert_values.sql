INSERT INTO lake.trips (id, fare, note) VALUES (1, 9.5, 'ok'), (2, -3, NULL);
