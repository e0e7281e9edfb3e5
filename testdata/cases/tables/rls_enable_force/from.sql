CREATE TABLE public.documents (id bigint PRIMARY KEY, owner_name text NOT NULL, body text);
CREATE TABLE public.notes (id bigint PRIMARY KEY);
ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;
