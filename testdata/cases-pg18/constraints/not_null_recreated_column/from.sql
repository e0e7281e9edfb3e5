CREATE TABLE public.language (language_id integer PRIMARY KEY, name character(20) NOT NULL, note text);
INSERT INTO public.language (language_id, name) VALUES (1, 'English'), (2, 'Italian');
