CREATE TABLE public.users (id int PRIMARY KEY, name text NOT NULL, legacy_code text);
CREATE VIEW public.user_list AS SELECT id, name, legacy_code FROM public.users;
