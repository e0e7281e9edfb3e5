CREATE TABLE public.products (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), stock int);
CREATE VIEW public.catalog AS SELECT name, id, price::text AS price FROM public.products;
