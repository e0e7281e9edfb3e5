CREATE TABLE public.items (id integer PRIMARY KEY, a integer NOT NULL, b integer CONSTRAINT "B must be set" NOT NULL);
