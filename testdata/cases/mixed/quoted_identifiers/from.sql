CREATE SCHEMA "Sales";
CREATE TABLE "Sales"."user" ("ID" int PRIMARY KEY, "select" text, "Full Name" text);
CREATE TABLE "Sales"."order" (id int PRIMARY KEY, "user" int REFERENCES "Sales"."user"("ID"), "group" text);
