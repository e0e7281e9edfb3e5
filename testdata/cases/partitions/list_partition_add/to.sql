CREATE TABLE public.orders (id bigint NOT NULL, region text NOT NULL, total numeric) PARTITION BY LIST (region);
CREATE TABLE public.orders_eu PARTITION OF public.orders FOR VALUES IN ('de', 'fr');
CREATE TABLE public.orders_us PARTITION OF public.orders FOR VALUES IN ('us');
ALTER TABLE public.orders ADD PRIMARY KEY (id, region);
CREATE TABLE public.orders_apac PARTITION OF public.orders FOR VALUES IN ('jp', 'au');
INSERT INTO public.orders SELECT g, (ARRAY['de','fr','us'])[1 + g % 3], g FROM generate_series(1, 900) g;
