CREATE SEQUENCE public.small_seq AS integer;
CREATE SEQUENCE public.big_seq;
