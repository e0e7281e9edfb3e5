CREATE TABLE public.posts (id int PRIMARY KEY, created_at timestamptz NOT NULL, status text NOT NULL, tags text[]);
