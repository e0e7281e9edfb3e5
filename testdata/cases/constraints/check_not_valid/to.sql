CREATE TABLE public.shipments (id int PRIMARY KEY, weight_g int);
ALTER TABLE public.shipments ADD CONSTRAINT shipments_weight_nonneg CHECK (weight_g >= 0) NOT VALID;
