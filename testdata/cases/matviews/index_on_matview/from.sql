CREATE TABLE public.t (id int PRIMARY KEY, cat text);
CREATE MATERIALIZED VIEW public.mv AS SELECT cat, count(*) AS n FROM public.t GROUP BY cat;
