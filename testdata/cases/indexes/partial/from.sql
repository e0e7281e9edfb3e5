CREATE TABLE public.jobs (id bigint PRIMARY KEY, queue text NOT NULL, finished_at timestamptz, run_at timestamptz NOT NULL);
