CREATE OR REPLACE VIEW recent_orders (id, amount) AS
SELECT id, amount FROM orders WHERE created_at > now() - INTERVAL '7 days';
