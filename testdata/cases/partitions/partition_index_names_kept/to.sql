CREATE TABLE public.events (id bigint NOT NULL, at date NOT NULL, kind text, payload jsonb) PARTITION BY RANGE (at);
CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE public.events_2026 PARTITION OF public.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE INDEX events_kind_idx ON ONLY public.events (kind);
CREATE INDEX ev25_kind ON public.events_2025 (kind);
CREATE INDEX ev26_kind ON public.events_2026 (kind);
ALTER INDEX public.events_kind_idx ATTACH PARTITION public.ev25_kind;
ALTER INDEX public.events_kind_idx ATTACH PARTITION public.ev26_kind;
INSERT INTO public.events SELECT g, DATE '2025-01-01' + (g % 700), 'k' || (g % 7), '{}' FROM generate_series(1, 2000) g;
