CREATE TABLE public.tenants (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE public.tenant_events (
  tenant_id bigint NOT NULL,
  id bigint NOT NULL,
  kind text NOT NULL,
  payload jsonb,
  PRIMARY KEY (tenant_id, id)
) PARTITION BY HASH (tenant_id);
CREATE TABLE public.tenant_events_0 PARTITION OF public.tenant_events FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE public.tenant_events_1 PARTITION OF public.tenant_events FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE public.tenant_events_2 PARTITION OF public.tenant_events FOR VALUES WITH (MODULUS 3, REMAINDER 2);
CREATE INDEX tenant_events_kind_idx ON public.tenant_events (kind);
