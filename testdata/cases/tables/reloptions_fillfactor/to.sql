CREATE TABLE public.counters (id int PRIMARY KEY, hits bigint NOT NULL DEFAULT 0) WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.05);
CREATE TABLE public.plain (id int) WITH (fillfactor = 80);
