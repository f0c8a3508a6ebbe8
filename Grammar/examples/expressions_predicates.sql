SELECT * FROM t
WHERE name ILIKE 'a%' ESCAPE '!'
  AND code NOT SIMILAR TO '[0-9]+'
  AND id IN (1, 2, 3)
  AND parent NOT IN (SELECT id FROM banned)
  AND score > ALL (SELECT score FROM baseline)
  AND tag = ANY (ARRAY['x', 'y'])
  AND flag IS NOT FALSE
  AND deleted_at ISNULL
  AND EXISTS (SELECT 1 FROM u WHERE u.id = t.id);
