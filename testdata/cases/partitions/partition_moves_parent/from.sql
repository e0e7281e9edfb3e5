CREATE TABLE public.old_parent (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE public.p2025 PARTITION OF public.old_parent FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO public.old_parent SELECT g, DATE '2025-01-01' + g % 300 FROM generate_series(1, 500) g;
