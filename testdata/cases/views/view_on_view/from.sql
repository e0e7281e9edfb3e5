CREATE TABLE public.sales (id int PRIMARY KEY, region text NOT NULL, amount numeric NOT NULL, year int NOT NULL);
CREATE VIEW public.sales_by_region AS SELECT region, year, sum(amount) AS total FROM public.sales GROUP BY region, year;
CREATE VIEW public.top_regions AS SELECT region, total FROM public.sales_by_region WHERE total > 1000;
