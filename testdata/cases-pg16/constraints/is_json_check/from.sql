CREATE TABLE public.payloads (id integer PRIMARY KEY, doc text);
