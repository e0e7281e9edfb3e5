CREATE TABLE public.audit_log (id bigint NOT NULL, at timestamptz NOT NULL, msg text);
CREATE UNIQUE INDEX audit_log_id_key ON public.audit_log (id);
CREATE TABLE public.items (id int PRIMARY KEY, name text);
