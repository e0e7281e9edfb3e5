CREATE TABLE public.items (id integer PRIMARY KEY, name text NOT NULL);
INSERT INTO public.items VALUES (1, 'one');
