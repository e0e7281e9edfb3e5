CREATE DOMAIN public.qty AS integer CHECK (VALUE >= 0);
CREATE DOMAIN public.code AS text CONSTRAINT code_nn NOT NULL CONSTRAINT code_len CHECK (length(VALUE) < 10);
CREATE DOMAIN public.pct AS numeric NOT NULL DEFAULT 0;
CREATE TABLE public.lines (id integer PRIMARY KEY, q public.qty, c public.code, p public.pct);
