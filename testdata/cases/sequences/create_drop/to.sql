CREATE SEQUENCE public.order_number_seq START WITH 10000;
