CREATE TABLE public.people (id integer PRIMARY KEY, name text NOT NULL, email text, nick text CONSTRAINT nick_required NOT NULL);
CREATE TABLE public.tags (tag text NOT NULL, note text);
