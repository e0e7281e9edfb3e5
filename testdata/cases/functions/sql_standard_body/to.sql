CREATE TABLE public.stock (sku text PRIMARY KEY, qty int NOT NULL);
CREATE FUNCTION public.in_stock(p_sku text) RETURNS boolean LANGUAGE sql STABLE
  RETURN EXISTS (SELECT 1 FROM public.stock WHERE sku = p_sku AND qty > 0);
CREATE FUNCTION public.total_qty() RETURNS bigint LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT sum(qty) FROM public.stock;
END;
