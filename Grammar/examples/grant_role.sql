GRANT pii_reader TO analysts, carol;
