CREATE TABLE public.t (id int PRIMARY KEY, a int);
CREATE INDEX t_a_idx ON public.t (a);
COMMENT ON INDEX public.t_a_idx IS 'lookup by a';
COMMENT ON INDEX public.t_pkey IS 'pk index';
