CREATE TABLE public.things (id integer PRIMARY KEY, uid uuid NOT NULL DEFAULT uuidv7());
CREATE TABLE public.more (id uuid PRIMARY KEY DEFAULT uuidv7(), label text CONSTRAINT more_label_required NOT NULL);
