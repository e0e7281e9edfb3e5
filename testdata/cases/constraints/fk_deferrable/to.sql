CREATE TABLE public.parents (id int PRIMARY KEY);
CREATE TABLE public.children (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES public.parents(id) DEFERRABLE INITIALLY DEFERRED);
