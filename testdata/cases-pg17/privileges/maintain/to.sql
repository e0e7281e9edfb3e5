DO $$ BEGIN CREATE ROLE pgshift_case_pg17_maint; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE public.big (id integer PRIMARY KEY);
CREATE MATERIALIZED VIEW public.big_mv AS SELECT id FROM public.big;
GRANT MAINTAIN ON public.big TO pgshift_case_pg17_maint;
GRANT SELECT, MAINTAIN ON public.big_mv TO pgshift_case_pg17_maint;
