CREATE SEQUENCE public.small_seq AS smallint;
CREATE SEQUENCE public.big_seq AS integer;
