CREATE TABLE public.accounts (id int PRIMARY KEY, email text NOT NULL, data jsonb);
