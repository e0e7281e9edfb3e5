CREATE TABLE public.slots (id int PRIMARY KEY, room text, starts_at timestamptz, code text);
