CREATE FUNCTION public.slugify(s text) RETURNS text LANGUAGE sql AS $$ SELECT lower(regexp_replace(s, '[^a-zA-Z0-9]+', '-', 'g')) $$;
