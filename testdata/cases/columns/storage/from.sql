CREATE TABLE public.blobs (id int PRIMARY KEY, data bytea, doc text, note text COMPRESSION pglz);
