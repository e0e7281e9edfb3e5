CREATE TABLE public.contacts (id int PRIMARY KEY, email text, phone text NOT NULL);
