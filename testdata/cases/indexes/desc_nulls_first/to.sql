CREATE TABLE public.scores (id int PRIMARY KEY, player text NOT NULL, score int, at timestamptz);
CREATE INDEX scores_rank_idx ON public.scores (score DESC NULLS FIRST);
CREATE INDEX scores_at_idx ON public.scores (player, at DESC NULLS LAST);
