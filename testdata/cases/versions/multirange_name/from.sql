CREATE TABLE public.slots (id integer PRIMARY KEY);
