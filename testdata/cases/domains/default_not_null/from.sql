CREATE DOMAIN public.currency_code AS char(3) DEFAULT 'USD';
CREATE TABLE public.wallets (id int PRIMARY KEY, currency public.currency_code);
