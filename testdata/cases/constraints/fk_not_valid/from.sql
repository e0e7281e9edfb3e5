CREATE TABLE public.warehouses (id int PRIMARY KEY);
CREATE TABLE public.stock (id int PRIMARY KEY, warehouse_id int);
