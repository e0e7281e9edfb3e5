CREATE EXTENSION citext;
CREATE TABLE public.accounts (id bigint PRIMARY KEY, email citext NOT NULL);
