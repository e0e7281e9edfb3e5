CREATE TABLE public.items (id integer PRIMARY KEY, price numeric NOT NULL);
CREATE FUNCTION public.with_tax(p numeric) RETURNS numeric LANGUAGE sql IMMUTABLE RETURN p * 1.2;
