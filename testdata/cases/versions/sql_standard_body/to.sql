CREATE TABLE public.items (id integer PRIMARY KEY, price numeric NOT NULL);
CREATE FUNCTION public.with_tax(p numeric) RETURNS numeric LANGUAGE sql IMMUTABLE RETURN p * 1.25;
CREATE FUNCTION public.total() RETURNS numeric LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT sum(public.with_tax(price)) FROM public.items;
END;
CREATE VIEW public.item_prices AS SELECT id, public.with_tax(price) AS gross FROM public.items;
