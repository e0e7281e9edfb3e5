CREATE UNLOGGED TABLE public.cache_entries (key text PRIMARY KEY, value jsonb, expires_at timestamptz);
