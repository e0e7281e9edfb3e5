CREATE TABLE public.queue (id bigint PRIMARY KEY, done boolean NOT NULL DEFAULT false, done_at timestamptz);
CREATE PROCEDURE public.purge_done() LANGUAGE sql AS $$ DELETE FROM public.queue WHERE done $$;
