CREATE TABLE public.t (id int PRIMARY KEY, a int);
CREATE INDEX t_a_idx ON public.t (a);
