CREATE TABLE public.addresses (id int PRIMARY KEY, user_id int NOT NULL, kind text);
CREATE UNIQUE INDEX addresses_user_kind ON public.addresses (user_id, kind) NULLS NOT DISTINCT;
