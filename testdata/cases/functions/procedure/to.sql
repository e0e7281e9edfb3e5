CREATE TABLE public.queue (id bigint PRIMARY KEY, done boolean NOT NULL DEFAULT false, done_at timestamptz);
CREATE PROCEDURE public.purge_done() LANGUAGE sql AS $$ DELETE FROM public.queue WHERE done AND done_at < now() - interval '1 day' $$;
CREATE PROCEDURE public.mark_done(p_id bigint) LANGUAGE plpgsql AS $$
BEGIN
  UPDATE public.queue SET done = true, done_at = now() WHERE id = p_id;
END;
$$;
