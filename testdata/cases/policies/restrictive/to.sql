DO $$ BEGIN CREATE ROLE pgshift_case_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE pgshift_case_writer; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE pgshift_case_admin; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE public.notes (id int PRIMARY KEY, owner_name text NOT NULL DEFAULT current_user, tenant int NOT NULL, body text, published boolean NOT NULL DEFAULT false);
ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_tenant ON public.notes AS RESTRICTIVE USING (tenant = current_setting('app.tenant')::int);
CREATE POLICY notes_insert ON public.notes FOR INSERT TO pgshift_case_writer WITH CHECK (owner_name = current_user);
CREATE POLICY notes_delete ON public.notes FOR DELETE TO pgshift_case_admin USING (true);
