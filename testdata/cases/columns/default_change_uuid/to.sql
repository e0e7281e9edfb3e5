CREATE TABLE public.api_keys (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), quota int NOT NULL DEFAULT 1000, expires_at timestamptz DEFAULT (now() + interval '90 days'));
