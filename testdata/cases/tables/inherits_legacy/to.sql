CREATE TABLE public.vehicles (id bigint PRIMARY KEY, make text NOT NULL, year int);
CREATE TABLE public.trucks (payload_kg int NOT NULL) INHERITS (public.vehicles);
