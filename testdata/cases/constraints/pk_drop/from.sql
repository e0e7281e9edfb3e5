CREATE TABLE public.raw_imports (id bigint PRIMARY KEY, line text);
