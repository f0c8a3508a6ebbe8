-- Traffic per country and hour on the big day.
SELECT country, extract(hour FROM event_time) AS hour, count(*) AS events, count(DISTINCT user_id) AS users
FROM events
WHERE dt = DATE '2024-01-07' AND country IN ('US', 'DE', 'FR')
GROUP BY country, extract(hour FROM event_time)
ORDER BY country, hour;
