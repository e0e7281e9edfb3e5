CREATE DOMAIN public.percentage AS numeric(5,2) CHECK (VALUE BETWEEN 0 AND 100);
CREATE DOMAIN public.positive_int AS integer CHECK (VALUE > 0);
