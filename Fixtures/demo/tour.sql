-- A short tour of the demo lake (README's first command runs this).
SELECT version();

-- Orders per month and average order value.
SELECT date_trunc('month', order_ts)::date AS month, count(*) AS orders, round(avg(total), 2) AS avg_order_value
FROM orders
GROUP BY 1 ORDER BY 1 DESC LIMIT 6;

-- Top products by revenue.
SELECT p.name, p.category, sum(oi.quantity * oi.unit_price) AS revenue
FROM order_items oi JOIN products p USING (product_id)
GROUP BY 1, 2 ORDER BY revenue DESC LIMIT 5;

-- Delivery time and cost by carrier.
SELECT carrier, count(*) AS shipments,
       round(avg(extract(epoch FROM delivered_at - shipped_at) / 86400), 1) AS avg_days,
       round(avg(cost), 2) AS avg_cost
FROM shipments WHERE delivered_at IS NOT NULL
GROUP BY carrier ORDER BY avg_days;

-- The funnel for one day of click-stream events (reads one partition).
SELECT event_type, count(*) AS events, count(DISTINCT session_id) AS sessions
FROM events WHERE dt = DATE '2026-11-03'
GROUP BY event_type ORDER BY events DESC;
