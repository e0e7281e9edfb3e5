CREATE TABLE public.events_v2 (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE public.events_v2_2025 PARTITION OF public.events_v2 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE public.events_v2 ADD PRIMARY KEY (id, at);
CREATE TABLE public.notes (id bigint NOT NULL, event_id bigint, event_at date, FOREIGN KEY (event_id, event_at) REFERENCES public.events_v2 (id, at)) PARTITION BY HASH (id);
CREATE TABLE public.notes_0 PARTITION OF public.notes FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE public.notes_1 PARTITION OF public.notes FOR VALUES WITH (MODULUS 2, REMAINDER 1);
