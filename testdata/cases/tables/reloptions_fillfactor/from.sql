CREATE TABLE public.counters (id int PRIMARY KEY, hits bigint NOT NULL DEFAULT 0) WITH (fillfactor = 90);
CREATE TABLE public.plain (id int);
