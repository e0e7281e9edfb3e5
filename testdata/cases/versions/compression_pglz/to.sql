CREATE TABLE public.docs (id integer PRIMARY KEY, body text COMPRESSION pglz, meta jsonb);
CREATE TABLE public.blobs (id integer PRIMARY KEY, data bytea COMPRESSION pglz);
