CREATE TABLE public.contacts (id int PRIMARY KEY, email text NOT NULL, phone text);
