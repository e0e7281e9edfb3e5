CREATE TYPE public.priority AS ENUM ('low', 'high');
CREATE TYPE public.severity AS ENUM ('low', 'high', 'critical');
CREATE TABLE public.issues (id int PRIMARY KEY, level public.severity, tags public.severity[]);
