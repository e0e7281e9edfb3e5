CREATE TYPE public.ticket_status AS ENUM ('open', 'in_progress', 'closed');
CREATE TABLE public.tickets (id int PRIMARY KEY, title text NOT NULL, status public.ticket_status NOT NULL DEFAULT 'open');
