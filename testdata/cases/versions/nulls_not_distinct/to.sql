CREATE TABLE public.accounts (id integer PRIMARY KEY, tenant integer NOT NULL, email text, phone text,
  CONSTRAINT accounts_tenant_phone_key UNIQUE NULLS NOT DISTINCT (tenant, phone));
CREATE UNIQUE INDEX accounts_tenant_email ON public.accounts (tenant, email) NULLS NOT DISTINCT;
