CREATE TABLE public.raw_imports (id bigint NOT NULL, line text);
