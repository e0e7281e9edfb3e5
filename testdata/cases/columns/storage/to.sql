CREATE TABLE public.blobs (id int PRIMARY KEY, data bytea, doc text, note text COMPRESSION lz4);
ALTER TABLE public.blobs ALTER COLUMN data SET STORAGE EXTERNAL;
ALTER TABLE public.blobs ALTER COLUMN doc SET STORAGE MAIN;
