DO $$ BEGIN CREATE ROLE pgshift_case_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE pgshift_case_writer; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE pgshift_case_admin; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE public.t (id int PRIMARY KEY, v text);
CREATE VIEW public.tv AS SELECT id, v FROM public.t;
CREATE MATERIALIZED VIEW public.tm AS SELECT count(*) AS n FROM public.t;
CREATE TYPE public.state AS ENUM ('a', 'b');
