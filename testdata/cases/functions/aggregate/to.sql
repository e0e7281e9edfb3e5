CREATE TABLE public.t (id int PRIMARY KEY, v numeric);
CREATE FUNCTION public.product_step(acc numeric, v numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN v IS NULL THEN acc ELSE acc * v END $$;
CREATE AGGREGATE public.product(numeric) (SFUNC = public.product_step, STYPE = numeric, INITCOND = '1');
