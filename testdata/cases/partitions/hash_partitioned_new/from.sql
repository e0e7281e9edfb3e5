CREATE TABLE public.keep (id int);
