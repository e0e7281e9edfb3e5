CREATE TABLE public.prices (id int PRIMARY KEY, amount numeric(10,2) NOT NULL DEFAULT 0, rate real);
