CREATE TABLE public.accounts (id integer PRIMARY KEY, tenant integer NOT NULL, email text, phone text);
