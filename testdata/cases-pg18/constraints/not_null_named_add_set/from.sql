CREATE TABLE public.orders (id integer PRIMARY KEY, total integer);
INSERT INTO public.orders VALUES (1, 10), (2, 20);
