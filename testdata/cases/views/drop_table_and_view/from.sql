CREATE TABLE public.keep (id int PRIMARY KEY);
CREATE TABLE public.legacy (id int PRIMARY KEY, x text);
CREATE VIEW public.legacy_v AS SELECT l.id, l.x FROM public.legacy l JOIN public.keep k USING (id);
