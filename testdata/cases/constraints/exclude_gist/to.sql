CREATE EXTENSION btree_gist;
CREATE TABLE public.bookings (id int PRIMARY KEY, room_id int NOT NULL, during tstzrange NOT NULL,
  CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&));
