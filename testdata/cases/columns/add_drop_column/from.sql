CREATE TABLE public.customers (id bigint PRIMARY KEY, name text NOT NULL, fax text);
