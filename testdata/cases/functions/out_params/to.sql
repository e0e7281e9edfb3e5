CREATE TABLE public.orders (id int PRIMARY KEY, customer text NOT NULL, total numeric NOT NULL);
CREATE FUNCTION public.order_stats(IN p_customer text, OUT n bigint, OUT revenue numeric) LANGUAGE sql STABLE AS $$
  SELECT count(*), coalesce(sum(total), 0) FROM public.orders WHERE customer = p_customer
$$;
CREATE FUNCTION public.top_customers(lim int) RETURNS TABLE(customer text, revenue numeric) LANGUAGE sql STABLE AS $$
  SELECT customer, sum(total) FROM public.orders GROUP BY customer ORDER BY 2 DESC LIMIT lim
$$;
