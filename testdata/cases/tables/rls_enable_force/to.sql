CREATE TABLE public.documents (id bigint PRIMARY KEY, owner_name text NOT NULL, body text);
ALTER TABLE public.documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.documents FORCE ROW LEVEL SECURITY;
CREATE TABLE public.notes (id bigint PRIMARY KEY);
