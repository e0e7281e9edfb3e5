CREATE DOMAIN public.qty AS integer NOT NULL CHECK (VALUE >= 0);
CREATE DOMAIN public.code AS text;
CREATE TABLE public.lines (id integer PRIMARY KEY, q public.qty, c public.code);
