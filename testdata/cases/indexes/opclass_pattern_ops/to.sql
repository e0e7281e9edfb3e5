CREATE TABLE public.files (id int PRIMARY KEY, path text NOT NULL, ext varchar(10));
CREATE INDEX files_path_prefix_idx ON public.files (path text_pattern_ops);
CREATE INDEX files_ext_idx ON public.files (ext varchar_pattern_ops);
