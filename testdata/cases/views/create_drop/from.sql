CREATE TABLE public.orders (id int PRIMARY KEY, customer text NOT NULL, total numeric NOT NULL, placed_at timestamptz NOT NULL);
CREATE VIEW public.old_orders AS SELECT id, customer FROM public.orders WHERE placed_at < '2020-01-01';
