CREATE TABLE public.users (
    id bigint PRIMARY KEY,
    name text
);
-- pgshift:drop column public.users.legacy
