CREATE TYPE public.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi, multirange_type_name = public.floatranges);
CREATE TABLE public.slots (id integer PRIMARY KEY, r public.floatrange, rs public.floatranges);
