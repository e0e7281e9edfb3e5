CREATE TABLE public.accounts (id integer PRIMARY KEY, name varchar(50) NOT NULL, balance numeric(10,2));
CREATE VIEW public.account_names AS SELECT id, upper(name) AS uname, balance FROM public.accounts;
CREATE VIEW public.rich_accounts AS SELECT id, uname FROM public.account_names WHERE balance > 1000;
