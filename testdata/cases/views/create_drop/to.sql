CREATE TABLE public.orders (id int PRIMARY KEY, customer text NOT NULL, total numeric NOT NULL, placed_at timestamptz NOT NULL);
CREATE VIEW public.customer_totals AS SELECT customer, sum(total) AS total, count(*) AS n FROM public.orders GROUP BY customer;
