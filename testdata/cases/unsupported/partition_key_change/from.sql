CREATE TABLE public.events (id bigint NOT NULL, created_on date NOT NULL, tenant int NOT NULL) PARTITION BY RANGE (created_on);
CREATE TABLE public.events_2024 PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
