CREATE FUNCTION public.grade(score int) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  IF score >= 50 THEN RETURN 'pass'; END IF;
  RETURN 'fail';
END;
$$;
