CREATE TABLE public.memberships (org_id int NOT NULL, user_id int NOT NULL, role text NOT NULL,
  CONSTRAINT memberships_pkey PRIMARY KEY (org_id, user_id));
CREATE TABLE public.membership_notes (org_id int NOT NULL, user_id int NOT NULL, note text,
  FOREIGN KEY (org_id, user_id) REFERENCES public.memberships (org_id, user_id));
