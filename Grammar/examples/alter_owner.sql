ALTER VIEW shared.customer_emails OWNER TO stewards;
