CREATE SCHEMA core;
CREATE SCHEMA billing;
CREATE TABLE core.orgs (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL);
CREATE TABLE billing.plans (code text PRIMARY KEY, price_cents int NOT NULL);
