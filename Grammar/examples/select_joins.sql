SELECT o.id, c.name, p.title
FROM orders o
JOIN customers c ON c.id = o.customer_id
LEFT OUTER JOIN products p USING (product_id)
FULL JOIN returns r ON r.order_id = o.id
CROSS JOIN settings
NATURAL JOIN regions;
