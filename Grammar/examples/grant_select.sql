GRANT SELECT ON TABLE sales.orders, customers_masked TO staff;
