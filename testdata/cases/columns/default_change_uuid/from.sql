CREATE TABLE public.api_keys (id uuid PRIMARY KEY DEFAULT '00000000-0000-0000-0000-000000000000', quota int NOT NULL DEFAULT 100, expires_at timestamptz DEFAULT (now() + interval '30 days'));
