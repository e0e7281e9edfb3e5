CREATE TABLE public.rect (id integer PRIMARY KEY, w numeric NOT NULL, h numeric NOT NULL,
  area numeric GENERATED ALWAYS AS (round(w * h, 2)) VIRTUAL,
  perim numeric GENERATED ALWAYS AS (2 * (w + h)) STORED);
