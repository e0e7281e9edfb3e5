CREATE SCHEMA staging;
CREATE TABLE public.t (id int PRIMARY KEY);
