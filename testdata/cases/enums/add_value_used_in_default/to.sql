CREATE TYPE public.doc_state AS ENUM ('new', 'draft', 'published', 'archived');
CREATE TABLE public.docs (id int PRIMARY KEY, state public.doc_state NOT NULL DEFAULT 'new',
  CONSTRAINT docs_not_archived_check CHECK (state <> 'archived'));
