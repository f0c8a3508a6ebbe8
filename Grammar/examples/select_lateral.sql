SELECT u.id, recent.total
FROM users u, LATERAL (SELECT sum(amount) AS total FROM orders o WHERE o.user_id = u.id) recent;
