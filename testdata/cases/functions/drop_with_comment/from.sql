CREATE SCHEMA util;
CREATE FUNCTION util.legacy_sum(a int, b int) RETURNS int LANGUAGE sql AS $$ SELECT a + b $$;
COMMENT ON FUNCTION util.legacy_sum(int, int) IS 'do not use';
