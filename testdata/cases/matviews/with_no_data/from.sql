CREATE TABLE public.logs (id bigint PRIMARY KEY, level text NOT NULL);
