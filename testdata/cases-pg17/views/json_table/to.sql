CREATE TABLE public.docs (id integer PRIMARY KEY, doc jsonb);
CREATE VIEW public.doc_items AS
SELECT d.id, jt.name, jt.qty
FROM public.docs d, JSON_TABLE(d.doc, '$.items[*]' COLUMNS (name text PATH '$.name', qty integer PATH '$.qty')) jt;
