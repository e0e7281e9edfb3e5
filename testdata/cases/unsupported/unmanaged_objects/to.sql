CREATE TABLE public.t (id int PRIMARY KEY, v text);
CREATE COLLATION public.german (provider = icu, locale = 'de-DE');
CREATE TEXT SEARCH CONFIGURATION public.simple_en (COPY = pg_catalog.english);
CREATE RULE t_no_delete AS ON DELETE TO public.t DO INSTEAD NOTHING;
