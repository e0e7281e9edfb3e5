DO $$ BEGIN CREATE ROLE pgshift_case_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE public.customers (
    id serial CONSTRAINT customers_pkey PRIMARY KEY,
    email text NOT NULL CONSTRAINT customers_email_key UNIQUE,
    name text,
    CONSTRAINT customers_email_check CHECK (email <> '')
);
CREATE INDEX customers_name_idx ON public.customers (name);
COMMENT ON TABLE public.customers IS 'people who buy';
COMMENT ON COLUMN public.customers.email IS 'login';
GRANT SELECT ON public.customers TO pgshift_case_reader;
GRANT UPDATE (name) ON public.customers TO pgshift_case_reader;
CREATE TABLE public.orders (
    id bigint PRIMARY KEY,
    customer_id integer CONSTRAINT orders_customer_id_fkey REFERENCES public.customers (id)
);
CREATE VIEW public.big_customers AS SELECT id, email FROM public.customers WHERE id > 10;
INSERT INTO public.customers (email, name) SELECT 'c' || g || '@example.com', 'n' || g FROM generate_series(1, 30) g;
INSERT INTO public.orders SELECT g, g FROM generate_series(1, 30) g;
