CREATE TABLE public.departments (id int PRIMARY KEY, code text UNIQUE NOT NULL);
CREATE TABLE public.employees (id int PRIMARY KEY, dept_id int, dept_code text,
  CONSTRAINT employees_dept_id_fkey FOREIGN KEY (dept_id) REFERENCES public.departments(id) ON DELETE SET NULL,
  CONSTRAINT employees_dept_code_fkey FOREIGN KEY (dept_code) REFERENCES public.departments(code) ON UPDATE CASCADE ON DELETE RESTRICT);
