CREATE SEQUENCE public.old_ticket_seq;
