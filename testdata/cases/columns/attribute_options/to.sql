CREATE TABLE public.state_events (id bigint PRIMARY KEY, room_id text NOT NULL, type text NOT NULL);
ALTER TABLE public.state_events ALTER COLUMN room_id SET (n_distinct = -0.01);
ALTER TABLE public.state_events ALTER COLUMN type SET (n_distinct = 40, n_distinct_inherited = 50);
