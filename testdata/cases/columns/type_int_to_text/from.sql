CREATE TABLE public.tickets (id int PRIMARY KEY, external_ref integer);
