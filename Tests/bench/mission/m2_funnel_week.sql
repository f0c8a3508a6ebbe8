-- Conversion funnel over the week: sessions reaching each step.
SELECT event_type, count(DISTINCT session_id) AS sessions, count(*) AS events
FROM events
WHERE event_type IN ('product_view', 'add_to_cart', 'checkout', 'purchase')
GROUP BY event_type
ORDER BY sessions DESC, event_type;
