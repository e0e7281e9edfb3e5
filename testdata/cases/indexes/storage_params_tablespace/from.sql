CREATE SCHEMA app;
CREATE TABLE app.queue (id bigint PRIMARY KEY, state smallint NOT NULL);
CREATE INDEX queue_state_idx ON app.queue (state);
