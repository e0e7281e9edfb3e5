CREATE SEQUENCE public.things_id_seq;
CREATE TABLE public.things (id bigint NOT NULL DEFAULT nextval('public.things_id_seq') PRIMARY KEY);
