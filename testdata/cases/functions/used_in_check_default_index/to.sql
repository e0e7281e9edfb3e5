CREATE FUNCTION public.normalize_email(e text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(trim(e)) $$;
CREATE FUNCTION public.is_valid_email(e text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT e ~ '^[^@]+@[^@]+$' $$;
CREATE FUNCTION public.new_code() RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT substr(md5(random()::text), 1, 12) $$;
CREATE TABLE public.members (id int PRIMARY KEY, email text NOT NULL CHECK (public.is_valid_email(email)), code text DEFAULT public.new_code());
CREATE UNIQUE INDEX members_email_norm ON public.members (public.normalize_email(email));
