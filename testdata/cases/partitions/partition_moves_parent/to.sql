CREATE TABLE public.new_parent (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE public.p2025 PARTITION OF public.new_parent FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
