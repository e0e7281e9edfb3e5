SET LOCAL lock_timeout = '2s';
CREATE TABLE measurements_2026 PARTITION OF measurements FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE INDEX measurements_at_idx ON ONLY measurements (at);
