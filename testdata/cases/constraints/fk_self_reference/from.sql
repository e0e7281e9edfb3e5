CREATE TABLE public.categories (id int PRIMARY KEY, name text NOT NULL);
