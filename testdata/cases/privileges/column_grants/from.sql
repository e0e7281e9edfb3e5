DO $$ BEGIN CREATE ROLE pgshift_case_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE pgshift_case_writer; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE pgshift_case_admin; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE public.employees (id int PRIMARY KEY, name text NOT NULL, salary numeric, email text);
GRANT SELECT (id, name, salary) ON public.employees TO pgshift_case_reader;
