WITH RECURSIVE tree (id, parent, depth) AS (
    SELECT id, parent, 0 FROM nodes WHERE parent IS NULL
    UNION ALL
    SELECT n.id, n.parent, t.depth + 1 FROM nodes n JOIN tree t ON n.parent = t.id
), leaves AS NOT MATERIALIZED (SELECT id FROM tree WHERE depth > 3)
SELECT * FROM leaves;
