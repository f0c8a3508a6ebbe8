-- Most viewed products in the last hour of the big day.
SELECT product_id, count(*) AS views
FROM events
WHERE dt = DATE '2024-01-07'
  AND event_time >= TIMESTAMP '2024-01-07 23:00:00'
  AND event_type = 'product_view'
GROUP BY product_id
ORDER BY views DESC, product_id
LIMIT 10;
