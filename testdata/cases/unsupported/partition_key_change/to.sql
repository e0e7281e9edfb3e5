CREATE TABLE public.events (id bigint NOT NULL, created_on date NOT NULL, tenant int NOT NULL) PARTITION BY LIST (tenant);
CREATE TABLE public.events_t1 PARTITION OF public.events FOR VALUES IN (1);
