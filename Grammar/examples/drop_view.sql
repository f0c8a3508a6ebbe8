DROP VIEW recent_orders;
