CREATE TABLE public.customers (id bigint PRIMARY KEY, name text NOT NULL, phone varchar(32), vip boolean NOT NULL DEFAULT false);
