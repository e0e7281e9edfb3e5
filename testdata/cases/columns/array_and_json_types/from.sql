CREATE TABLE public.metrics (id int PRIMARY KEY);
