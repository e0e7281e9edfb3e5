CREATE TABLE public.a (id int);
COMMENT ON TABLE public.a IS 'brand new comment with ''quotes''';
CREATE TABLE public.b (id int);
COMMENT ON TABLE public.b IS 'new comment';
CREATE TABLE public.c (id int);
