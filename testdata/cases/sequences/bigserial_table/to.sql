CREATE SCHEMA app;
CREATE TABLE app.log_lines (id bigserial PRIMARY KEY, line text NOT NULL);
