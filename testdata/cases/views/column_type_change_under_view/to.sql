CREATE TABLE public.accounts (id bigint PRIMARY KEY, name varchar(100) NOT NULL, balance numeric(14,2));
CREATE VIEW public.account_names AS SELECT id, upper(name) AS uname, balance FROM public.accounts;
CREATE VIEW public.rich_accounts AS SELECT id, uname FROM public.account_names WHERE balance > 1000;
