CREATE SCHEMA "App";
CREATE FUNCTION "App".touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.body := coalesce(NEW.body, ''); RETURN NEW; END $$;
CREATE TABLE "App"."Event Log" (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    body text
);
CREATE INDEX "Event Log_body_idx" ON "App"."Event Log" (body);
CREATE TRIGGER touch BEFORE INSERT ON "App"."Event Log" FOR EACH ROW EXECUTE FUNCTION "App".touch();
ALTER TABLE "App"."Event Log" ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible ON "App"."Event Log" USING (body <> 'hidden');
INSERT INTO "App"."Event Log" (body) SELECT 'e' || g FROM generate_series(1, 20) g;
