DROP POLICY IF EXISTS emea_only ON orders;
