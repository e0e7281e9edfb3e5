CREATE TABLE public.jobs (id int PRIMARY KEY, priority smallint NOT NULL DEFAULT 5);
CREATE INDEX jobs_priority_idx ON public.jobs (priority);
