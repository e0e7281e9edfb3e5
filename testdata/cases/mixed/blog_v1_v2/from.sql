CREATE TABLE public.authors (id bigserial PRIMARY KEY, name text NOT NULL);
CREATE TABLE public.posts (
  id bigserial PRIMARY KEY,
  author_id bigint NOT NULL REFERENCES public.authors(id),
  title varchar(200) NOT NULL,
  body text,
  published boolean NOT NULL DEFAULT false
);
CREATE INDEX posts_author_idx ON public.posts (author_id);
