CREATE TABLE public.t (id int PRIMARY KEY, v text);
CREATE VIEW public.v AS SELECT id, v FROM public.t;
