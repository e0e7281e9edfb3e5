CREATE SCHEMA "App";
CREATE FUNCTION "App".touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.body := coalesce(NEW.body, ''); RETURN NEW; END $$;
CREATE TABLE "App".events ( -- @renamed from="App"."Event Log"
    id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT "Event Log_pkey" PRIMARY KEY,
    body text
);
CREATE INDEX "Event Log_body_idx" ON "App".events (body);
CREATE TRIGGER touch BEFORE INSERT ON "App".events FOR EACH ROW EXECUTE FUNCTION "App".touch();
ALTER TABLE "App".events ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible ON "App".events USING (body <> 'hidden');
