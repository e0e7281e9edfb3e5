CREATE TABLE public.products (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), stock int);
CREATE VIEW public.catalog AS SELECT id, name, price, stock FROM public.products;
