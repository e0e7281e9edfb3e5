CREATE TABLE public.line_items (id int PRIMARY KEY, order_id int NOT NULL, sku text NOT NULL, qty int NOT NULL);
CREATE INDEX line_items_order_idx ON public.line_items (order_id);
