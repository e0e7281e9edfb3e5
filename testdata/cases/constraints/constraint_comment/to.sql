CREATE TABLE public.a (id int CONSTRAINT a_pkey PRIMARY KEY, n int CONSTRAINT a_n_check CHECK (n > 0));
CREATE TABLE public.b (id int PRIMARY KEY, a_id int CONSTRAINT b_a_fk REFERENCES public.a(id));
COMMENT ON CONSTRAINT a_n_check ON public.a IS 'n must be strictly positive';
COMMENT ON CONSTRAINT a_pkey ON public.a IS 'primary key';
COMMENT ON CONSTRAINT b_a_fk ON public.b IS 'owning a';
