CREATE TABLE public.events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz);
ALTER TABLE public.events ALTER COLUMN at SET STATISTICS 200;
