CREATE EXTENSION hstore;
CREATE TABLE public.events (id bigint PRIMARY KEY, attrs hstore);
