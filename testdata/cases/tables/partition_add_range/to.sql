CREATE TABLE public.measurements (id bigint NOT NULL, taken_at date NOT NULL, value double precision, PRIMARY KEY (id, taken_at)) PARTITION BY RANGE (taken_at);
CREATE TABLE public.measurements_2024 PARTITION OF public.measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.measurements_2025 PARTITION OF public.measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX measurements_taken_at_idx ON public.measurements (taken_at);
