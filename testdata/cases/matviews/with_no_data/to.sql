CREATE TABLE public.logs (id bigint PRIMARY KEY, level text NOT NULL);
CREATE MATERIALIZED VIEW public.error_counts AS SELECT level, count(*) AS n FROM public.logs GROUP BY level WITH NO DATA;
