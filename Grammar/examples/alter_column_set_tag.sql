ALTER TABLE customers ALTER COLUMN phone SET TAG pii;
