CREATE TABLE public.events (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE public.events ADD PRIMARY KEY (id, at);
CREATE TABLE public.notes (id bigint NOT NULL, event_id bigint, event_at date, FOREIGN KEY (event_id, event_at) REFERENCES public.events (id, at)) PARTITION BY HASH (id);
CREATE TABLE public.notes_0 PARTITION OF public.notes FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE public.notes_1 PARTITION OF public.notes FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO public.events VALUES (1, '2025-03-01');
INSERT INTO public.notes VALUES (1, NULL, NULL);
