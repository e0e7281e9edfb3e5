CREATE TABLE public.state_events (id bigint PRIMARY KEY, room_id text NOT NULL, type text NOT NULL);
