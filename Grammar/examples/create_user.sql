CREATE USER carol PASSWORD 'correct horse' IN ROLE staff, pii_reader;
