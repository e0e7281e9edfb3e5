CREATE TABLE public.warehouses (id int PRIMARY KEY);
CREATE TABLE public.stock (id int PRIMARY KEY, warehouse_id int);
ALTER TABLE public.stock ADD CONSTRAINT stock_warehouse_fk FOREIGN KEY (warehouse_id) REFERENCES public.warehouses(id) NOT VALID;
