CREATE TABLE public.accounts (id int PRIMARY KEY, email text NOT NULL, data jsonb);
CREATE UNIQUE INDEX accounts_email_lower_key ON public.accounts (lower(email));
CREATE INDEX accounts_data_kind_idx ON public.accounts ((data ->> 'kind'));
