-- expect: require-lock-timeout, adding-not-null-field, add-column-generated-stored, changing-column-type, set-not-null, constraint-missing-not-valid, add-foreign-key, add-unique-constraint, require-concurrent-index, require-concurrent-index-drop, rename-column, ban-drop-column, concurrently-in-transaction
-- A migration written without the safety recipes.
ALTER TABLE users ADD COLUMN age int NOT NULL;
ALTER TABLE users ADD COLUMN name_upper text GENERATED ALWAYS AS (upper(name)) STORED;
ALTER TABLE users ALTER COLUMN id TYPE bigint;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
ALTER TABLE users ADD CONSTRAINT users_age_pos CHECK (age > 0);
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
CREATE INDEX orders_user_idx ON orders (user_id);
DROP INDEX users_old_idx;
ALTER TABLE users RENAME COLUMN name TO full_name;
ALTER TABLE users DROP COLUMN legacy;
CREATE INDEX CONCURRENTLY users_age_idx ON users (age);
