CREATE TABLE public.t (id int PRIMARY KEY, v text);
CREATE VIEW public.tv AS SELECT id, upper(v) AS v FROM public.t;
CREATE FUNCTION public.tv_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.t (id, v) VALUES (NEW.id, lower(NEW.v));
  RETURN NEW;
END;
$$;
