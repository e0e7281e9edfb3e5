CREATE TABLE public.comments (id serial PRIMARY KEY, body text NOT NULL);
