CREATE TABLE public.files (id int PRIMARY KEY, path text NOT NULL, ext varchar(10));
