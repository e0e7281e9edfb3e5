CREATE TABLE public.rectangles (id int PRIMARY KEY, width numeric NOT NULL, height numeric NOT NULL);
