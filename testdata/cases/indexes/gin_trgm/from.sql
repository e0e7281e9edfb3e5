CREATE EXTENSION pg_trgm;
CREATE TABLE public.articles (id int PRIMARY KEY, title text NOT NULL, body text);
