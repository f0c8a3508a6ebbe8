-- Events per type on the big day: must read only the dt=2024-01-07 partition.
SELECT event_type, count(*) AS events
FROM events
WHERE dt = DATE '2024-01-07'
GROUP BY event_type
ORDER BY event_type;
