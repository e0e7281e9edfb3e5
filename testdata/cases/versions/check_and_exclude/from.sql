CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE public.rooms (id integer PRIMARY KEY, room integer NOT NULL, during tstzrange NOT NULL, price numeric);
