DO $$ BEGIN CREATE ROLE pgshift_case_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE public.readings (
    id bigint PRIMARY KEY,
    value integer NOT NULL DEFAULT 0
);
COMMENT ON COLUMN public.readings.value IS 'sensor value, raw';
GRANT SELECT (value) ON public.readings TO pgshift_case_reader;
ALTER TABLE public.readings ALTER COLUMN value SET STATISTICS 500;
