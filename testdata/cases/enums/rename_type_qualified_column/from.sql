CREATE SCHEMA app;
CREATE TYPE app.old_status AS ENUM ('active', 'retired');
CREATE TABLE app.devices (id int PRIMARY KEY, status app.old_status NOT NULL DEFAULT 'active');
INSERT INTO app.devices VALUES (1, 'active'), (2, 'retired');
