CREATE TABLE public.items (id integer PRIMARY KEY, a integer CONSTRAINT items_a_required NOT NULL, b integer NOT NULL);
