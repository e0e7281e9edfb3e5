CREATE TABLE public.parents (id integer PRIMARY KEY);
CREATE TABLE public.kids (id integer PRIMARY KEY, parent_id integer, age integer);
