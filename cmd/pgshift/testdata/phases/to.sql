CREATE TABLE public.users (
    id bigint PRIMARY KEY,
    name text,
    verified boolean NOT NULL -- pgshift:backfill false
);
-- pgshift:drop column public.users.legacy
