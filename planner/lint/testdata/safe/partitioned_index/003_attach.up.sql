SET LOCAL lock_timeout = '2s';
ALTER INDEX measurements_at_idx ATTACH PARTITION measurements_2025_at_idx;
