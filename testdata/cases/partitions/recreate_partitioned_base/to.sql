CREATE TABLE public.events2 (id bigint NOT NULL, at date NOT NULL, kind text, payload jsonb) PARTITION BY RANGE (at);
CREATE TABLE public.events2_2025 PARTITION OF public.events2 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE public.events2_2026 PARTITION OF public.events2 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
ALTER TABLE public.events2 ADD PRIMARY KEY (id, at);
CREATE VIEW public.recent AS SELECT id, at FROM public.events2;
