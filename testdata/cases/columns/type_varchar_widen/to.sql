CREATE TABLE public.people (id int PRIMARY KEY, first_name varchar(50) NOT NULL, code char(3));
