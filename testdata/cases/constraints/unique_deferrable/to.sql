CREATE TABLE public.positions (id int PRIMARY KEY, list_id int NOT NULL, pos int NOT NULL,
  CONSTRAINT positions_list_pos_key UNIQUE (list_id, pos) DEFERRABLE INITIALLY DEFERRED);
