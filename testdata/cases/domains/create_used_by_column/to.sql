CREATE DOMAIN public.email_address AS text CONSTRAINT email_address_check CHECK (VALUE ~ '^[^@]+@[^@]+$');
CREATE TABLE public.users (id int PRIMARY KEY, email public.email_address NOT NULL);
