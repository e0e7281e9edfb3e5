CREATE TABLE public.orders (id integer PRIMARY KEY, total integer CONSTRAINT orders_total_nn NOT NULL,
  status text CONSTRAINT orders_status_nn NOT NULL DEFAULT 'new');
CREATE TABLE public.lines (id integer CONSTRAINT lines_id_nn NOT NULL, qty integer NOT NULL);
