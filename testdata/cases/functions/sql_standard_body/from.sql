CREATE TABLE public.stock (sku text PRIMARY KEY, qty int NOT NULL);
