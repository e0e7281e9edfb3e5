CREATE TABLE public.posts (id int PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), status text NOT NULL DEFAULT 'draft', tags text[] DEFAULT '{}'::text[]);
