CREATE DOMAIN public.code AS text;
COMMENT ON DOMAIN public.code IS 'short machine code';
CREATE DOMAIN public.sort_key AS text COLLATE "C";
