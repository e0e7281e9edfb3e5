DO $$ BEGIN CREATE ROLE pgshift_case_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE pgshift_case_writer; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE pgshift_case_admin; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE public.reports (id int PRIMARY KEY, body text);
GRANT SELECT ON public.reports TO pgshift_case_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.reports TO pgshift_case_writer WITH GRANT OPTION;
CREATE TABLE public.audit (id int PRIMARY KEY);
GRANT INSERT ON public.audit TO pgshift_case_writer;
REVOKE ALL ON public.audit FROM PUBLIC;
