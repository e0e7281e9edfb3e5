CREATE TABLE public.comments (body text NOT NULL);
