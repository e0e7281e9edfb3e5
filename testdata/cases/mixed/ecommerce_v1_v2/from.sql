CREATE TYPE public.order_status AS ENUM ('pending', 'paid', 'shipped');
CREATE TABLE public.customers (
  id serial PRIMARY KEY,
  email varchar(100) NOT NULL UNIQUE,
  name text,
  created_at timestamp NOT NULL DEFAULT now()
);
CREATE TABLE public.products (
  id serial PRIMARY KEY,
  sku varchar(20) NOT NULL UNIQUE,
  title text NOT NULL,
  price numeric(10,2) NOT NULL CHECK (price >= 0)
);
CREATE TABLE public.orders (
  id serial PRIMARY KEY,
  customer_id int NOT NULL REFERENCES public.customers(id),
  status public.order_status NOT NULL DEFAULT 'pending',
  created_at timestamp NOT NULL DEFAULT now()
);
CREATE TABLE public.order_items (
  order_id int NOT NULL REFERENCES public.orders(id) ON DELETE CASCADE,
  product_id int NOT NULL REFERENCES public.products(id),
  qty int NOT NULL CHECK (qty > 0),
  unit_price numeric(10,2) NOT NULL,
  PRIMARY KEY (order_id, product_id)
);
CREATE INDEX orders_customer_idx ON public.orders (customer_id);
CREATE VIEW public.order_totals AS
  SELECT o.id AS order_id, o.customer_id, sum(i.qty * i.unit_price) AS total
  FROM public.orders o JOIN public.order_items i ON i.order_id = o.id GROUP BY o.id, o.customer_id;
