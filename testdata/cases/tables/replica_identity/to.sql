CREATE TABLE public.audit_log (id bigint NOT NULL, at timestamptz NOT NULL, msg text);
CREATE UNIQUE INDEX audit_log_id_key ON public.audit_log (id);
ALTER TABLE public.audit_log REPLICA IDENTITY USING INDEX audit_log_id_key;
CREATE TABLE public.items (id int PRIMARY KEY, name text);
ALTER TABLE public.items REPLICA IDENTITY FULL;
