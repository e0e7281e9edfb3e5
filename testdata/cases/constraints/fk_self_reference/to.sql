CREATE TABLE public.categories (id int PRIMARY KEY, name text NOT NULL, parent_id int REFERENCES public.categories(id) ON DELETE CASCADE);
