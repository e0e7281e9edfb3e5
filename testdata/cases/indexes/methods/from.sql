CREATE TABLE public.readings (id bigint PRIMARY KEY, at timestamptz NOT NULL, tags text[], area box, token text, doc jsonb);
