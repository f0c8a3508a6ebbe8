-- One user's events across the week (a point lookup no partition or statistic narrows).
SELECT event_time, event_type, product_id, price, country, device
FROM events
WHERE user_id = 1232650
ORDER BY event_time, event_type, product_id;
