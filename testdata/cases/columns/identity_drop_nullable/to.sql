CREATE TABLE public.jobs (ref bigint, title text);
