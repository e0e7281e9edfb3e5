CREATE TABLE public.words (id int PRIMARY KEY, word text COLLATE "C" NOT NULL, code varchar(10));
CREATE INDEX words_word_idx ON public.words (word);
