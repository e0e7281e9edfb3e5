CREATE TABLE public.shipments (id int PRIMARY KEY, weight_g int);
