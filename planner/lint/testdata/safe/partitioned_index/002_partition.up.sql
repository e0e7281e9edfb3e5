CREATE INDEX CONCURRENTLY measurements_2025_at_idx ON measurements_2025 (at);
