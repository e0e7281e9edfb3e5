CREATE TABLE public.vehicles (id bigint PRIMARY KEY, make text NOT NULL, year int);
