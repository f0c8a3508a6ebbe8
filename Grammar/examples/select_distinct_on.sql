SELECT DISTINCT ON (customer_id) customer_id, order_id, created_at
FROM orders ORDER BY customer_id, created_at DESC;
