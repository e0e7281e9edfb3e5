CREATE TABLE public.docs (id integer PRIMARY KEY, doc jsonb);
