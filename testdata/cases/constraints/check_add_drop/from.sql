CREATE TABLE public.products (id int PRIMARY KEY, price numeric NOT NULL, sku text,
  CONSTRAINT products_sku_len CHECK (length(sku) = 8));
