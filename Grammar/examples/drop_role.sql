DROP ROLE pii_reader;
