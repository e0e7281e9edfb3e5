-- one batch; the runner repeats it until no row is updated
UPDATE events SET id = gen_random_uuid()
WHERE ctid IN (SELECT ctid FROM events WHERE id IS NULL LIMIT 1000);
