CREATE UNIQUE INDEX IF NOT EXISTS orders_by_customer ON orders (customer_id DESC NULLS LAST, order_ts)
