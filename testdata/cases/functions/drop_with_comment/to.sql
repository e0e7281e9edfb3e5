CREATE SCHEMA util;
CREATE FUNCTION util.sum_all(VARIADIC xs int[]) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT sum(x) FROM unnest(xs) x $$;
COMMENT ON FUNCTION util.sum_all(int[]) IS 'sum of all arguments';
