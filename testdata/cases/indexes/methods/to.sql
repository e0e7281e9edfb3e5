CREATE TABLE public.readings (id bigint PRIMARY KEY, at timestamptz NOT NULL, tags text[], area box, token text, doc jsonb);
CREATE INDEX readings_tags_gin ON public.readings USING gin (tags);
CREATE INDEX readings_doc_gin ON public.readings USING gin (doc jsonb_path_ops);
CREATE INDEX readings_area_gist ON public.readings USING gist (area);
CREATE INDEX readings_at_brin ON public.readings USING brin (at) WITH (pages_per_range = 32);
CREATE INDEX readings_token_hash ON public.readings USING hash (token);
