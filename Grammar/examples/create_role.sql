CREATE ROLE pii_reader;
