CREATE TABLE public.users (
    id bigint PRIMARY KEY,
    name text,
    legacy text
);
