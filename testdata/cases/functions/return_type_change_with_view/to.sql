CREATE TABLE public.orders (id int PRIMARY KEY, total numeric(10,2) NOT NULL);
CREATE FUNCTION public.with_vat(x numeric) RETURNS numeric(12,2) LANGUAGE sql IMMUTABLE AS $$ SELECT round(x * 1.2, 2) $$;
CREATE VIEW public.orders_vat AS SELECT id, public.with_vat(total)::text AS gross FROM public.orders;
