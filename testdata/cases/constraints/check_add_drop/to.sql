CREATE TABLE public.products (id int PRIMARY KEY, price numeric NOT NULL, sku text,
  CONSTRAINT products_price_positive CHECK (price > 0));
