CREATE TABLE public.payloads (id integer PRIMARY KEY, doc text CONSTRAINT payloads_doc_check CHECK (doc IS JSON OBJECT WITH UNIQUE KEYS), arr text CHECK (arr IS JSON ARRAY));
CREATE VIEW public.valid_payloads AS SELECT id, doc IS JSON SCALAR AS scalar, json_array(id, doc) AS a FROM public.payloads;
