SELECT ARRAY[1, 2, 3][2], ARRAY[[1, 2], [3, 4]], arr[1:2], arr[:2], ARRAY(SELECT id FROM t),
       ROW(1, 'a'), (1, 'a') = (1, 'a'), (composite).field;
