CREATE TABLE public.docs (id int PRIMARY KEY, title text NOT NULL, body text, updated_at timestamptz, version int NOT NULL DEFAULT 1);
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;
CREATE FUNCTION public.bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := OLD.version + 1;
  RETURN NEW;
END;
$$;
CREATE TABLE public.doc_audit (at timestamptz NOT NULL DEFAULT now(), op text NOT NULL);
CREATE FUNCTION public.audit_stmt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.doc_audit (op) VALUES (TG_OP);
  RETURN NULL;
END;
$$;
CREATE TRIGGER docs_version BEFORE UPDATE ON public.docs FOR EACH ROW EXECUTE FUNCTION public.bump_version();
