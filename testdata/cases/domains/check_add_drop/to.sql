CREATE DOMAIN public.score AS integer CONSTRAINT score_nonneg CHECK (VALUE >= 0) CONSTRAINT score_max CHECK (VALUE <= 100);
CREATE DOMAIN public.zip AS text CONSTRAINT zip_format CHECK (VALUE ~ '^[0-9]{5}(-[0-9]{4})?$');
CREATE TABLE public.results (id int PRIMARY KEY, score public.score, zip public.zip);
