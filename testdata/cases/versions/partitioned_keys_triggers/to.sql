CREATE TABLE public.kinds (kind text PRIMARY KEY);
CREATE TABLE public.events (id bigint NOT NULL, at date NOT NULL, kind text REFERENCES public.kinds, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE public.events_2024 PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX events_kind ON public.events (kind);
CREATE TABLE public.event_refs (id integer PRIMARY KEY, event_id bigint, event_at date,
  FOREIGN KEY (event_id, event_at) REFERENCES public.events (id, at) ON DELETE CASCADE);
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER events_touch BEFORE UPDATE ON public.events FOR EACH ROW EXECUTE FUNCTION public.touch();
