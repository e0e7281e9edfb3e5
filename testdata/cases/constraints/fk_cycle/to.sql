CREATE TABLE public.misc (id int PRIMARY KEY);
CREATE TABLE public.teams (id int PRIMARY KEY, captain_id int);
CREATE TABLE public.players (id int PRIMARY KEY, team_id int REFERENCES public.teams(id));
ALTER TABLE public.teams ADD CONSTRAINT teams_captain_fk FOREIGN KEY (captain_id) REFERENCES public.players(id) DEFERRABLE INITIALLY DEFERRED;
