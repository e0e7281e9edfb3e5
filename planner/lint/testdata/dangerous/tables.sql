-- expect: require-lock-timeout, ban-drop-table, rename-table, alter-table-set-logged, vacuum-full, cluster, add-column-volatile-default, add-primary-key, drop-not-null, create-index-on-partitioned-table
DROP TABLE audit_log CASCADE;
ALTER TABLE customers RENAME TO clients;
ALTER TABLE staging SET LOGGED;
VACUUM FULL clients;
CLUSTER clients USING clients_pkey;
ALTER TABLE events ADD COLUMN id uuid DEFAULT gen_random_uuid();
ALTER TABLE events ADD PRIMARY KEY (id);
ALTER TABLE clients ALTER COLUMN phone DROP NOT NULL;
CREATE TABLE measurements_2026 PARTITION OF measurements FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE INDEX measurements_at_idx ON measurements (at);
