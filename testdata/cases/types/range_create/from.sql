CREATE TABLE public.shifts (id int PRIMARY KEY);
