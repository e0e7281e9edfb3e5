CREATE TABLE public.t (id int PRIMARY KEY, cat text);
CREATE MATERIALIZED VIEW public.mv AS SELECT cat, count(*) AS n FROM public.t GROUP BY cat;
CREATE INDEX mv_n_idx ON public.mv (n DESC);
COMMENT ON MATERIALIZED VIEW public.mv IS 'counts per category';
