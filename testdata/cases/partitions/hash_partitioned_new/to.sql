CREATE TABLE public.keep (id int);
CREATE TABLE public.sessions (id uuid NOT NULL, data text) PARTITION BY HASH (id);
CREATE TABLE public.sessions_0 PARTITION OF public.sessions FOR VALUES WITH (MODULUS 4, REMAINDER 0);
CREATE TABLE public.sessions_1 PARTITION OF public.sessions FOR VALUES WITH (MODULUS 4, REMAINDER 1);
CREATE TABLE public.sessions_2 PARTITION OF public.sessions FOR VALUES WITH (MODULUS 4, REMAINDER 2);
CREATE TABLE public.sessions_3 PARTITION OF public.sessions FOR VALUES WITH (MODULUS 4, REMAINDER 3);
CREATE INDEX sessions_data_idx ON public.sessions (data);
