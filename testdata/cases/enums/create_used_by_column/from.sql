CREATE TABLE public.tickets (id int PRIMARY KEY, title text NOT NULL);
