CREATE TABLE public.ratings (id int PRIMARY KEY, stars int NOT NULL, CONSTRAINT ratings_stars_check CHECK (stars BETWEEN 1 AND 5));
