CREATE EXTENSION pg_trgm;
CREATE TABLE public.products (id bigint PRIMARY KEY, name text NOT NULL);
CREATE INDEX products_name_trgm ON public.products USING gin (name gin_trgm_ops);
