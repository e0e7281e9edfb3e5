CREATE TABLE public.codes (code text NOT NULL PRIMARY KEY, region text NOT NULL, label text, UNIQUE (region, label));
