ALTER SYSTEM SET audit_retention_days = 90;
