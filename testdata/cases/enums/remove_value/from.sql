CREATE TYPE public.plan AS ENUM ('free', 'basic', 'pro', 'legacy');
CREATE TABLE public.subscriptions (id int PRIMARY KEY, plan public.plan NOT NULL DEFAULT 'free');
