CREATE TABLE public.accounts (id int PRIMARY KEY, balance numeric, currency char(3));
COMMENT ON COLUMN public.accounts.id IS 'surrogate key';
COMMENT ON COLUMN public.accounts.balance IS 'in minor units';
