CREATE TABLE public.secrets (id int PRIMARY KEY, value text NOT NULL);
CREATE FUNCTION public.secret_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM public.secrets $$;
