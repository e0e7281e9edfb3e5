CREATE TABLE public.prices (id integer PRIMARY KEY, net numeric NOT NULL, gross numeric GENERATED ALWAYS AS (net * 1.21) STORED);
