CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE public.rooms (id integer NOT NULL, valid daterange NOT NULL, name text);
CREATE TABLE public.bookings (id integer PRIMARY KEY, room_id integer, during daterange);
