-- Projection, filter and ordering over a table.
SELECT id, name AS customer, amount * 1.2 total
FROM sales.orders
WHERE amount > 100 AND status <> 'void'
ORDER BY total DESC NULLS LAST
LIMIT 10 OFFSET 20;
