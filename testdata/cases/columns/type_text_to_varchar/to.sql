CREATE TABLE public.pages (id int PRIMARY KEY, title varchar(255) NOT NULL, slug text);
