CREATE EXTENSION pg_trgm;
CREATE TABLE public.articles (id int PRIMARY KEY, title text NOT NULL, body text);
CREATE INDEX articles_title_trgm ON public.articles USING gin (title gin_trgm_ops);
CREATE INDEX articles_body_trgm ON public.articles USING gist (body gist_trgm_ops);
