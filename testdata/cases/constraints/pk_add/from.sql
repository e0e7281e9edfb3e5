CREATE TABLE public.tags (name text NOT NULL, color text);
