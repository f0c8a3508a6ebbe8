-- Distinct users per device over the week.
SELECT device, count(DISTINCT user_id) AS users
FROM events
GROUP BY device
ORDER BY device;
