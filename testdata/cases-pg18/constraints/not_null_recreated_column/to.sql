CREATE TABLE public.language (language_id integer PRIMARY KEY, name text NOT NULL, note text);
