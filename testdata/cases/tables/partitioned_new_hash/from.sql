CREATE TABLE public.tenants (id bigint PRIMARY KEY, name text NOT NULL);
