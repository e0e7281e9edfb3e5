CREATE TABLE public.visits (id bigint PRIMARY KEY, site_id int NOT NULL, visitor text, at timestamptz);
CREATE INDEX visits_lookup_idx ON public.visits (site_id, at DESC);
