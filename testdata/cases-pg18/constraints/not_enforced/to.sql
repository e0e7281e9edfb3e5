CREATE TABLE public.parents (id integer PRIMARY KEY);
CREATE TABLE public.kids (id integer PRIMARY KEY, parent_id integer, age integer,
  CONSTRAINT kids_age_check CHECK (age >= 0) NOT ENFORCED,
  CONSTRAINT kids_parent_fkey FOREIGN KEY (parent_id) REFERENCES public.parents (id) NOT ENFORCED);
