CREATE TABLE public.orders (id bigint NOT NULL, region text NOT NULL, total numeric(10,2)) PARTITION BY LIST (region);
CREATE TABLE public.orders_eu PARTITION OF public.orders FOR VALUES IN ('de', 'fr', 'it');
CREATE TABLE public.orders_other PARTITION OF public.orders DEFAULT;
