CREATE TABLE public.regions (code varchar(8) PRIMARY KEY, name text);
CREATE TABLE public.stores (id int PRIMARY KEY, region varchar(8) REFERENCES public.regions(code), size bigint CHECK (size > 0));
CREATE INDEX stores_big_idx ON public.stores (region) WHERE size > 1000;
