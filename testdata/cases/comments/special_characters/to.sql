CREATE TABLE public.t (id int PRIMARY KEY, a text);
COMMENT ON TABLE public.t IS E'it''s a "table"\nsecond line \\ backslash, ünïcödé ✓';
COMMENT ON COLUMN public.t.a IS '$$dollar$$ quoted; semicolon';
