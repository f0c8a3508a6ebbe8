CREATE MASKING POLICY email_mask AS (val text) RETURNS text ->
  CASE WHEN is_member('pii_reader') THEN val ELSE mask_email(val) END;
