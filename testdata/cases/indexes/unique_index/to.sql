CREATE TABLE public.users (id int PRIMARY KEY, username text NOT NULL);
CREATE UNIQUE INDEX users_username_key ON public.users (username);
