CREATE TABLE public.events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL);
CREATE MATERIALIZED VIEW public.daily_counts AS SELECT date_trunc('day', at) AS day, kind, count(*) AS n FROM public.events GROUP BY 1, 2;
CREATE UNIQUE INDEX daily_counts_day_kind ON public.daily_counts (day, kind);
