DO $$ BEGIN CREATE ROLE pgshift_case_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE pgshift_case_writer; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE pgshift_case_admin; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA api;
GRANT USAGE ON SCHEMA api TO pgshift_case_reader, pgshift_case_writer;
GRANT CREATE ON SCHEMA api TO pgshift_case_admin;
