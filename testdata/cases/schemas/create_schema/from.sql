CREATE TABLE public.settings (key text PRIMARY KEY, value text);
