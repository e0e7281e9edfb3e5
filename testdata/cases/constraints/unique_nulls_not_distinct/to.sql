CREATE TABLE public.slots (id int PRIMARY KEY, room text, starts_at timestamptz, code text,
  CONSTRAINT slots_code_key UNIQUE NULLS NOT DISTINCT (code),
  CONSTRAINT slots_room_starts_at_key UNIQUE (room, starts_at));
