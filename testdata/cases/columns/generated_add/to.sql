CREATE TABLE public.rectangles (id int PRIMARY KEY, width numeric NOT NULL, height numeric NOT NULL, area numeric GENERATED ALWAYS AS (width * height) STORED);
