CREATE EXTENSION citext;
CREATE TYPE public.order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled');
CREATE TABLE public.customers (
  id serial PRIMARY KEY,
  email citext NOT NULL UNIQUE,
  name text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  marketing_opt_in boolean NOT NULL DEFAULT false
);
CREATE TABLE public.categories (
  id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE,
  parent_id int REFERENCES public.categories(id)
);
CREATE TABLE public.products (
  id serial PRIMARY KEY,
  sku varchar(40) NOT NULL UNIQUE,
  title text NOT NULL,
  price numeric(12,2) NOT NULL CHECK (price >= 0),
  category_id int REFERENCES public.categories(id) ON DELETE SET NULL,
  search tsvector GENERATED ALWAYS AS (to_tsvector('english', title)) STORED
);
CREATE INDEX products_search_idx ON public.products USING gin (search);
CREATE TABLE public.orders (
  id serial PRIMARY KEY,
  customer_id int NOT NULL REFERENCES public.customers(id),
  status public.order_status NOT NULL DEFAULT 'pending',
  created_at timestamptz NOT NULL DEFAULT now(),
  shipped_at timestamptz,
  CONSTRAINT orders_shipped_after_created CHECK (shipped_at IS NULL OR shipped_at >= created_at)
);
CREATE TABLE public.order_items (
  order_id int NOT NULL REFERENCES public.orders(id) ON DELETE CASCADE,
  product_id int NOT NULL REFERENCES public.products(id),
  qty int NOT NULL CHECK (qty > 0),
  unit_price numeric(12,2) NOT NULL,
  PRIMARY KEY (order_id, product_id)
);
CREATE INDEX orders_customer_idx ON public.orders (customer_id, created_at DESC);
CREATE INDEX orders_open_idx ON public.orders (created_at) WHERE status IN ('pending', 'paid');
CREATE VIEW public.order_totals AS
  SELECT o.id AS order_id, o.customer_id, sum(i.qty * i.unit_price) AS total, count(*) AS items
  FROM public.orders o JOIN public.order_items i ON i.order_id = o.id GROUP BY o.id, o.customer_id;
CREATE FUNCTION public.customer_lifetime_value(p_customer int) RETURNS numeric LANGUAGE sql STABLE AS $$
  SELECT coalesce(sum(total), 0) FROM public.order_totals WHERE customer_id = p_customer
$$;
COMMENT ON TABLE public.categories IS 'product categories (tree)';
