DO $$ BEGIN CREATE ROLE pgshift_case_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE pgshift_case_writer; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE pgshift_case_admin; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE public.tenant_data (tenant_id int NOT NULL, k text NOT NULL, v text, PRIMARY KEY (tenant_id, k));
ALTER TABLE public.tenant_data ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.tenant_data FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.tenant_data USING (tenant_id = current_setting('app.tenant_id', true)::int);
COMMENT ON POLICY tenant_isolation ON public.tenant_data IS 'one tenant per session';
