CREATE TYPE public.pair AS (a int, b int);
COMMENT ON TYPE public.pair IS 'two ints';
