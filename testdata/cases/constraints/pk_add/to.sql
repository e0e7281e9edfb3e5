CREATE TABLE public.tags (name text NOT NULL PRIMARY KEY, color text);
