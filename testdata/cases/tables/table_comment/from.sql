CREATE TABLE public.a (id int);
CREATE TABLE public.b (id int);
COMMENT ON TABLE public.b IS 'old comment';
CREATE TABLE public.c (id int);
COMMENT ON TABLE public.c IS 'to be removed';
