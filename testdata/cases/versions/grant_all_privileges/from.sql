DO $$ BEGIN CREATE ROLE pgshift_case_versions_app; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE public.a (id integer PRIMARY KEY);
CREATE SEQUENCE public.s;
CREATE MATERIALIZED VIEW public.mv AS SELECT id FROM public.a;
GRANT SELECT ON public.a TO pgshift_case_versions_app;
