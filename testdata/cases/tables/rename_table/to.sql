DO $$ BEGIN CREATE ROLE pgshift_case_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE public.clients ( -- pgshift:renamed-from customers
    id serial CONSTRAINT customers_pkey PRIMARY KEY,
    email text NOT NULL CONSTRAINT customers_email_key UNIQUE,
    name text,
    CONSTRAINT customers_email_check CHECK (email <> '')
);
CREATE INDEX customers_name_idx ON public.clients (name);
COMMENT ON TABLE public.clients IS 'people who buy';
COMMENT ON COLUMN public.clients.email IS 'login';
GRANT SELECT ON public.clients TO pgshift_case_reader;
GRANT UPDATE (name) ON public.clients TO pgshift_case_reader;
CREATE TABLE public.orders (
    id bigint PRIMARY KEY,
    customer_id integer CONSTRAINT orders_customer_id_fkey REFERENCES public.clients (id)
);
CREATE VIEW public.big_customers AS SELECT id, email FROM public.clients WHERE id > 10;
