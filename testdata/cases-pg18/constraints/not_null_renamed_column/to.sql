CREATE TABLE public.items (id integer PRIMARY KEY,
  title text NOT NULL -- pgshift:renamed-from name
);
