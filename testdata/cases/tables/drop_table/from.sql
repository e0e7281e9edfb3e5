CREATE TABLE public.users (id bigint PRIMARY KEY);
CREATE TABLE public.legacy_logins (id bigint PRIMARY KEY, user_id bigint REFERENCES public.users(id), at timestamp);
