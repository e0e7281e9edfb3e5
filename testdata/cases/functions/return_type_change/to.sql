CREATE TABLE public.items (id int PRIMARY KEY, price numeric NOT NULL);
CREATE FUNCTION public.item_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM public.items $$;
