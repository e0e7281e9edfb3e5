CREATE TYPE public.priority AS ENUM ('low', 'high');
CREATE TYPE public.severity AS ENUM ('low', 'high', 'critical');
CREATE TABLE public.issues (id int PRIMARY KEY, level public.priority, tags public.priority[]);
INSERT INTO public.issues VALUES (1, 'low', '{low}'), (2, 'high', '{high,low}'), (3, NULL, NULL);
