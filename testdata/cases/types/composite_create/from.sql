CREATE TABLE public.shops (id int PRIMARY KEY, name text);
