CREATE TABLE public.logs (id bigint NOT NULL, at date NOT NULL, msg text) PARTITION BY RANGE (at);
CREATE TABLE public.logs_2025 PARTITION OF public.logs FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO public.logs SELECT g, DATE '2025-01-01' + (g % 300), 'm' FROM generate_series(1, 300) g;
