CREATE TABLE public.misc (id int PRIMARY KEY);
