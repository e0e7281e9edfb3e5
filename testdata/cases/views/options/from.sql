CREATE TABLE public.docs (id int PRIMARY KEY, owner_name text NOT NULL, public boolean NOT NULL DEFAULT false);
CREATE VIEW public.public_docs AS SELECT id, owner_name, public FROM public.docs WHERE public;
CREATE VIEW public.my_docs WITH (security_barrier) AS SELECT id FROM public.docs WHERE owner_name = current_user;
