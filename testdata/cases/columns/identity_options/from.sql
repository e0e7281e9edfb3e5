CREATE TABLE public.tokens (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, value text);
