CREATE TABLE public.regions (code varchar(3) PRIMARY KEY, name text);
CREATE TABLE public.stores (id int PRIMARY KEY, region varchar(3) REFERENCES public.regions(code), size int CHECK (size > 0));
CREATE INDEX stores_big_idx ON public.stores (region) WHERE size > 1000;
