CREATE DOMAIN public.code AS text;
