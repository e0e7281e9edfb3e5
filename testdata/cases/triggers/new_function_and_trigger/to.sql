CREATE TABLE public.accounts (id int PRIMARY KEY, balance numeric NOT NULL DEFAULT 0);
CREATE FUNCTION public.forbid_negative() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.balance < 0 THEN RAISE EXCEPTION 'negative balance for %', NEW.id; END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER accounts_no_negative BEFORE INSERT OR UPDATE OF balance ON public.accounts FOR EACH ROW EXECUTE FUNCTION public.forbid_negative();
COMMENT ON TRIGGER accounts_no_negative ON public.accounts IS 'guards balance';
