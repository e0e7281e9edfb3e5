CREATE SEQUENCE public.invoice_numbers START 1000;
CREATE TABLE public.invoices (id int PRIMARY KEY, number bigint NOT NULL);
