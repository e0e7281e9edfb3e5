CREATE TABLE public.pages (id int PRIMARY KEY, title text NOT NULL, slug varchar(100));
