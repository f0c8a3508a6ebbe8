CREATE POLICY emea_only ON orders FOR SELECT TO emea_staff, auditors USING (region = 'EMEA');
