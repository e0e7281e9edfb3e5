CREATE TABLE public.notes (id integer PRIMARY KEY, owner text NOT NULL, body text);
CREATE VIEW public.my_notes AS SELECT id, body FROM public.notes WHERE owner = current_user;
