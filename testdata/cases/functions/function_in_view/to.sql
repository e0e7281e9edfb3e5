CREATE TABLE public.people (id int PRIMARY KEY, name text);
CREATE FUNCTION public.display_name(n text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(initcap(n), 'Anonymous') $$;
CREATE VIEW public.people_v AS SELECT id, public.display_name(name) AS display FROM public.people;
