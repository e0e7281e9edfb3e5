CREATE TABLE public.items (id int PRIMARY KEY, price numeric NOT NULL);
CREATE FUNCTION public.item_count() RETURNS integer LANGUAGE sql STABLE AS $$ SELECT count(*)::int FROM public.items $$;
