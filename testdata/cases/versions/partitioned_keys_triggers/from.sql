CREATE TABLE public.kinds (kind text PRIMARY KEY);
