CREATE SEQUENCE public.batch_seq;
