DO $$ BEGIN CREATE ROLE pgshift_case_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE pgshift_case_writer; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE pgshift_case_admin; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE public.notes (id int PRIMARY KEY, owner_name text NOT NULL DEFAULT current_user, tenant int NOT NULL, body text, published boolean NOT NULL DEFAULT false);
ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_all ON public.notes USING (true);
