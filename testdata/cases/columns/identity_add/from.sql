CREATE TABLE public.widgets (id bigint NOT NULL PRIMARY KEY, name text);
