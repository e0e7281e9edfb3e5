CREATE TABLE public.payment (payment_id integer NOT NULL, amount numeric(5,2) NOT NULL, paid_on date NOT NULL) PARTITION BY RANGE (paid_on);
CREATE TABLE public.payment_p1 PARTITION OF public.payment FOR VALUES FROM ('2022-01-01') TO ('2022-02-01');
