CREATE TABLE public.orders (id integer PRIMARY KEY, net numeric NOT NULL, gross numeric, tax numeric GENERATED ALWAYS AS (net * 0.2) STORED);
