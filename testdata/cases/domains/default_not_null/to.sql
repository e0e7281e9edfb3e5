CREATE DOMAIN public.currency_code AS char(3) NOT NULL DEFAULT 'EUR';
CREATE TABLE public.wallets (id int PRIMARY KEY, currency public.currency_code);
