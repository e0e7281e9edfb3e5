CREATE TABLE public.authors (id integer PRIMARY KEY, name text);
CREATE TABLE public.books (id integer PRIMARY KEY, author_id integer REFERENCES public.authors(id));
