CREATE TABLE public.products (id bigint PRIMARY KEY, name text NOT NULL);
