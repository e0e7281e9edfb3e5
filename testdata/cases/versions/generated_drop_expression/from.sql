CREATE TABLE public.orders (id integer PRIMARY KEY, net numeric NOT NULL, gross numeric GENERATED ALWAYS AS (net * 1.2) STORED);
