CREATE TABLE public.payment (payment_id integer NOT NULL, amount numeric(5,2) NOT NULL, paid_on date NOT NULL,
  staff_id integer CONSTRAINT payment_staff_required NOT NULL DEFAULT 1) PARTITION BY RANGE (paid_on);
CREATE TABLE public.payment_p1 PARTITION OF public.payment FOR VALUES FROM ('2022-01-01') TO ('2022-02-01');
CREATE TABLE public.payment_p2 (payment_id integer NOT NULL, amount numeric(5,2) NOT NULL, paid_on date NOT NULL,
  staff_id integer NOT NULL DEFAULT 1);
ALTER TABLE ONLY public.payment ATTACH PARTITION public.payment_p2 FOR VALUES FROM ('2022-02-01') TO ('2022-03-01');
CREATE TABLE public.payment_p3 PARTITION OF public.payment FOR VALUES FROM ('2022-03-01') TO ('2022-04-01');
