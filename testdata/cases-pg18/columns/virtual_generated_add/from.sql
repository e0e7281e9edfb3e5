CREATE TABLE public.rect (id integer PRIMARY KEY, w numeric NOT NULL, h numeric NOT NULL);
