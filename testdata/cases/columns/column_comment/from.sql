CREATE TABLE public.accounts (id int PRIMARY KEY, balance numeric, currency char(3));
COMMENT ON COLUMN public.accounts.balance IS 'in cents';
COMMENT ON COLUMN public.accounts.currency IS 'ISO 4217';
