-- Purchases joined to the product dimension: revenue per category over the small days.
SELECT p.category, count(*) AS purchases, sum(e.price) AS revenue
FROM events e
JOIN products p ON e.product_id = p.product_id
WHERE e.event_type = 'purchase'
  AND e.dt BETWEEN DATE '2024-01-01' AND DATE '2024-01-06'
GROUP BY p.category
ORDER BY revenue DESC, p.category;
