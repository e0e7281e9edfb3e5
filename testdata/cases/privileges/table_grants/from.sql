DO $$ BEGIN CREATE ROLE pgshift_case_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE pgshift_case_writer; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE pgshift_case_admin; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE public.reports (id int PRIMARY KEY, body text);
CREATE TABLE public.audit (id int PRIMARY KEY);
GRANT SELECT, INSERT ON public.audit TO pgshift_case_writer;
GRANT ALL ON public.audit TO pgshift_case_admin;
