CREATE TABLE public.users (id int PRIMARY KEY, username text NOT NULL);
