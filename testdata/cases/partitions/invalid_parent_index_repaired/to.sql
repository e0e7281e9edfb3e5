CREATE TABLE public.events (id bigint NOT NULL, at date NOT NULL, kind text, payload jsonb) PARTITION BY RANGE (at);
CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE public.events_2026 PARTITION OF public.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE INDEX events_kind_idx ON public.events (kind);
INSERT INTO public.events SELECT g, DATE '2025-01-01' + (g % 700), 'k' || (g % 7), '{}' FROM generate_series(1, 2000) g;
