CREATE TABLE public.words (id int PRIMARY KEY, word text NOT NULL, code varchar(10) COLLATE "POSIX");
CREATE INDEX words_word_idx ON public.words (word);
