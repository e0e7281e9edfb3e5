CREATE TABLE public.notes (id integer PRIMARY KEY, owner text NOT NULL, body text);
CREATE VIEW public.my_notes WITH (security_invoker = true) AS SELECT id, body FROM public.notes WHERE owner = current_user;
CREATE VIEW public.all_notes WITH (security_invoker = on, security_barrier) AS SELECT id FROM public.notes;
