CREATE SCHEMA app;
CREATE TYPE app.device_status AS ENUM ('active', 'retired');
CREATE TABLE app.devices (id int PRIMARY KEY, status app.device_status NOT NULL DEFAULT 'active');
