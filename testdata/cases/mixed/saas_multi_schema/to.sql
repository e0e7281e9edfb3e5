CREATE SCHEMA core;
CREATE SCHEMA billing;
CREATE TABLE core.orgs (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL, plan_code text);
CREATE TABLE billing.plans (code text PRIMARY KEY, price_cents int NOT NULL, CHECK (price_cents >= 0));
ALTER TABLE core.orgs ADD CONSTRAINT orgs_plan_fk FOREIGN KEY (plan_code) REFERENCES billing.plans(code);
CREATE TABLE billing.invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, org_id uuid NOT NULL REFERENCES core.orgs(id), amount_cents int NOT NULL, issued_on date NOT NULL DEFAULT CURRENT_DATE);
CREATE VIEW billing.org_revenue AS SELECT o.id, o.name, sum(i.amount_cents) AS cents FROM core.orgs o LEFT JOIN billing.invoices i ON i.org_id = o.id GROUP BY o.id, o.name;
