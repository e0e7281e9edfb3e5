CREATE TABLE public.codes (code text NOT NULL UNIQUE, region text NOT NULL, label text);
