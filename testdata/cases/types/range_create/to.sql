CREATE TYPE public.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE TABLE public.shifts (id int PRIMARY KEY, temp_range public.floatrange);
