CREATE TABLE public.rect (id integer PRIMARY KEY, w numeric NOT NULL, h numeric NOT NULL, area numeric GENERATED ALWAYS AS (w * h) VIRTUAL);
CREATE TABLE public.circle (id integer PRIMARY KEY, r numeric NOT NULL, d numeric GENERATED ALWAYS AS (r * 2));
