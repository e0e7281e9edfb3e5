CREATE TABLE public.jobs (id bigint PRIMARY KEY, queue text NOT NULL, finished_at timestamptz, run_at timestamptz NOT NULL);
CREATE INDEX jobs_pending_idx ON public.jobs (queue, run_at) WHERE finished_at IS NULL;
CREATE UNIQUE INDEX jobs_one_running_per_queue ON public.jobs (queue) WHERE finished_at IS NULL AND run_at < '2030-01-01'::timestamptz;
