CREATE FUNCTION public.area(r double precision) RETURNS double precision LANGUAGE sql IMMUTABLE AS $$ SELECT pi() * r ^ 2 $$;
CREATE FUNCTION public.area(w double precision, h double precision) RETURNS double precision LANGUAGE sql IMMUTABLE AS $$ SELECT w * h $$;
CREATE FUNCTION public.area(b box) RETURNS double precision LANGUAGE sql IMMUTABLE AS $$ SELECT area(b) $$;
