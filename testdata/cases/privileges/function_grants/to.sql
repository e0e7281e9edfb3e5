DO $$ BEGIN CREATE ROLE pgshift_case_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE pgshift_case_writer; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE pgshift_case_admin; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE FUNCTION public.dangerous(x int) RETURNS int LANGUAGE sql AS $$ SELECT x $$;
REVOKE EXECUTE ON FUNCTION public.dangerous(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.dangerous(int) TO pgshift_case_admin;
