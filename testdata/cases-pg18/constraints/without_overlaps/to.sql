CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE public.rooms (id integer NOT NULL, valid daterange NOT NULL, name text,
  CONSTRAINT rooms_pkey PRIMARY KEY (id, valid WITHOUT OVERLAPS));
CREATE TABLE public.bookings (id integer PRIMARY KEY, room_id integer, during daterange,
  CONSTRAINT bookings_room_fkey FOREIGN KEY (room_id, PERIOD during) REFERENCES public.rooms (id, PERIOD valid));
