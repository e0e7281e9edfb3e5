CREATE TYPE public.doc_state AS ENUM ('draft', 'published');
CREATE TABLE public.docs (id int PRIMARY KEY, state public.doc_state NOT NULL DEFAULT 'draft');
