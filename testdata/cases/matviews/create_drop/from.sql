CREATE TABLE public.events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL);
CREATE MATERIALIZED VIEW public.old_stats AS SELECT count(*) AS n FROM public.events;
