CREATE TABLE public.users (id int PRIMARY KEY, name text NOT NULL);
CREATE VIEW public.user_list AS SELECT id, name FROM public.users;
