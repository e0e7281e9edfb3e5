CREATE TYPE public.priority AS ENUM ('low', 'high');
CREATE TABLE public.tasks (id int PRIMARY KEY, prio public.priority NOT NULL DEFAULT 'low');
