CREATE TABLE public.jobs (id int PRIMARY KEY, priority integer NOT NULL DEFAULT 5);
CREATE INDEX jobs_priority_idx ON public.jobs (priority);
