CREATE SCHEMA "Sales";
CREATE TYPE "Sales"."Order State" AS ENUM ('New', 'Done', 'it''s complicated');
CREATE TABLE "Sales"."user" ("ID" bigint PRIMARY KEY, "select" text NOT NULL DEFAULT 'x', "Full Name" varchar(200), "check" boolean);
CREATE TABLE "Sales"."order" (id int PRIMARY KEY, "user" bigint REFERENCES "Sales"."user"("ID") ON DELETE CASCADE, "group" text,
  "State" "Sales"."Order State" NOT NULL DEFAULT 'New',
  CONSTRAINT "Order Group Check" CHECK ("group" <> ''));
CREATE INDEX "Order ""Group"" Idx" ON "Sales"."order" ("group", "State");
CREATE VIEW "Sales"."User Orders" AS SELECT u."ID", u."Full Name", o."group" FROM "Sales"."user" u JOIN "Sales"."order" o ON o."user" = u."ID";
CREATE FUNCTION "Sales"."Count Orders"("for" bigint) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM "Sales"."order" WHERE "user" = "for" $$;
CREATE SEQUENCE "Sales"."Seq.With.Dots";
COMMENT ON TABLE "Sales"."user" IS 'reserved word table';
