CREATE TABLE public.orders (id int PRIMARY KEY, customer_id int NOT NULL, created_at timestamptz NOT NULL, status text);
CREATE INDEX orders_status_idx ON public.orders (status);
