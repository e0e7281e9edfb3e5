CREATE TABLE public.memberships (org_id int NOT NULL, user_id int NOT NULL, role text NOT NULL,
  CONSTRAINT memberships_pkey PRIMARY KEY (user_id, org_id));
CREATE TABLE public.membership_notes (org_id int NOT NULL, user_id int NOT NULL, note text,
  FOREIGN KEY (user_id, org_id) REFERENCES public.memberships (user_id, org_id));
