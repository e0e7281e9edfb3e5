CREATE TABLE public.t (id int PRIMARY KEY, v text);
CREATE VIEW public.v AS SELECT id, v FROM public.t;
COMMENT ON VIEW public.v IS 'thin wrapper';
COMMENT ON COLUMN public.v.v IS 'the value';
