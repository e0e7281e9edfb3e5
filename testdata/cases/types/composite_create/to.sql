CREATE TYPE public.address AS (street text, city text, zip varchar(10));
CREATE TABLE public.shops (id int PRIMARY KEY, name text, addr public.address);
