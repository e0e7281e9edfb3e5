CREATE TABLE public.logs (id bigint NOT NULL, at date NOT NULL, msg text);
