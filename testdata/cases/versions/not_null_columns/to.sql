CREATE TABLE public.people (id integer NOT NULL, name text, email text NOT NULL, nick text NOT NULL);
CREATE TABLE public.tags (tag text PRIMARY KEY, note text NOT NULL);
CREATE TABLE public.children (id integer NOT NULL) INHERITS (public.tags);
