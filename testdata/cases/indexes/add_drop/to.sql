CREATE TABLE public.orders (id int PRIMARY KEY, customer_id int NOT NULL, created_at timestamptz NOT NULL, status text);
CREATE INDEX orders_customer_created_idx ON public.orders (customer_id, created_at);
