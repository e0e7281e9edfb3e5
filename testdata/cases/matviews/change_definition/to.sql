CREATE TABLE public.orders (id int PRIMARY KEY, customer text NOT NULL, total numeric NOT NULL);
CREATE MATERIALIZED VIEW public.customer_stats AS SELECT customer, count(*) AS orders, sum(total) AS revenue FROM public.orders GROUP BY customer;
CREATE UNIQUE INDEX customer_stats_customer ON public.customer_stats (customer);
