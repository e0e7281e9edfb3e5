CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE public.rooms (id integer PRIMARY KEY, room integer NOT NULL, during tstzrange NOT NULL, price numeric,
  CONSTRAINT rooms_price_check CHECK (price > 0) NO INHERIT,
  CONSTRAINT rooms_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&));
ALTER TABLE public.rooms ADD CONSTRAINT rooms_room_check CHECK (room BETWEEN 1 AND 999) NOT VALID;
