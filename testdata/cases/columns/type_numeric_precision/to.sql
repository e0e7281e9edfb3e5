CREATE TABLE public.prices (id int PRIMARY KEY, amount numeric(12,4) NOT NULL DEFAULT 0, rate double precision);
