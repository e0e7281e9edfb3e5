CREATE TABLE public.people (id int PRIMARY KEY, first_name varchar(20) NOT NULL, code char(2));
