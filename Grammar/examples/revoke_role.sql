REVOKE pii_reader FROM carol;
