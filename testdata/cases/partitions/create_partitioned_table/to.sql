CREATE TABLE public.other (id int PRIMARY KEY);
CREATE TABLE public.events (id bigint NOT NULL, at date NOT NULL, kind text, payload jsonb) PARTITION BY RANGE (at);
CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE public.events_2026 PARTITION OF public.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
ALTER TABLE public.events ADD PRIMARY KEY (id, at);
CREATE INDEX events_kind_idx ON public.events (kind);
