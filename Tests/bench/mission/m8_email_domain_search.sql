-- A text predicate over a high-cardinality string column (emails ending in 77@...).
SELECT device, count(*) AS events
FROM events
WHERE dt = DATE '2024-01-07' AND email LIKE '%77@example.com'
GROUP BY device
ORDER BY device;
